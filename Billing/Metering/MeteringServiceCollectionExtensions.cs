using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Billing.Reports;

namespace Platform.Billing.Metering;

public static class MeteringServiceCollectionExtensions
{
    /// <summary>
    /// Usage metering and its reports: the queue requests record into (<see cref="UsageMeter"/>), the writer that batches it into
    /// Postgres or the spool, and its instruments. Needs <c>AddBilling</c> (the connection string and migrations).
    /// </summary>
    public static IServiceCollection AddMetering(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MeteringOptions>()
            .Bind(configuration.GetSection(MeteringOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new UsageMeter(sp.GetRequiredService<IOptions<MeteringOptions>>().Value.QueueCapacity));
        services.TryAddSingleton(sp => new UsageEventStore(MeteringDataSource(sp)));
        services.TryAddSingleton<MeteringSpoolFactory>();
        services.TryAddSingleton(sp =>
        {
            var writer = new MeteringWriter(
                sp.GetRequiredService<UsageMeter>(),
                sp.GetRequiredService<UsageEventStore>(),
                sp.GetRequiredService<MeteringSpoolFactory>(),
                sp.GetRequiredService<IOptions<MeteringOptions>>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<MeteringWriter>>());
            writer.AttachMetrics(new MeteringMetrics(sp.GetRequiredService<IMeterFactory>(), writer.Status));
            return writer;
        });
        services.AddHostedService(sp => sp.GetRequiredService<MeteringWriter>());
        services.TryAddSingleton<Func<MeteringStatus>>(sp => sp.GetRequiredService<MeteringWriter>().Status);
        services.TryAddSingleton(sp => new UsageReportRepository(sp.GetRequiredService<NpgsqlDataSource>()));
        return services;
    }

    /// <summary>
    /// A data source of its own: short connect and command timeouts so an unreachable Postgres is noticed in
    /// seconds (then the spool takes over), and a pool the request path never waits on.
    /// </summary>
    private static NpgsqlDataSource MeteringDataSource(IServiceProvider services)
    {
        var builder = new NpgsqlConnectionStringBuilder(services.GetRequiredService<IOptions<BillingOptions>>().Value.ConnectionString)
        {
            Timeout = 3,
            CommandTimeout = 30,
            ApplicationName = "platform-metering",
            MaxPoolSize = 4,
        };
        return NpgsqlDataSource.Create(builder.ConnectionString);
    }
}
