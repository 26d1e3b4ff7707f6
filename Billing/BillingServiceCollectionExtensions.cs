using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Billing.Accounts;
using Platform.Billing.Audit;
using Platform.Billing.Budgets;
using Platform.Billing.Data;
using Platform.Billing.Keys;
using Platform.Billing.Migrations;
using Platform.Billing.Moderation;
using Platform.Billing.Pricing;
using Platform.Billing.Tiers;

namespace Platform.Billing;

public static class BillingServiceCollectionExtensions
{
    /// <summary>
    /// The accounts database: options (validated at start-up), one Npgsql data source, pooled EF Core contexts, the
    /// repositories, and the migrations, applied before the host starts any service.
    /// </summary>
    public static IServiceCollection AddBilling(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BillingOptions>().Bind(configuration).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BillingOptions>, BillingOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => RandomNumberGenerator.Create());

        services.TryAddSingleton(sp => NpgsqlDataSource.Create(sp.GetRequiredService<IOptions<BillingOptions>>().Value.ConnectionString!));
        services.AddPooledDbContextFactory<PlatformDbContext>((sp, options) => PlatformDbContextOptions.Configure(options, sp.GetRequiredService<NpgsqlDataSource>()));
        services.TryAddSingleton(sp => new MigrationRunner(
            sp.GetRequiredService<NpgsqlDataSource>(), MigrationScripts.Embedded(), sp.GetRequiredService<ILogger<MigrationRunner>>()));
        services.AddHostedService<MigrationHostedService>();

        services.TryAddSingleton(sp => new BillingDatabase(sp.GetRequiredService<IDbContextFactory<PlatformDbContext>>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new ApiKeyGenerator(sp.GetRequiredService<RandomNumberGenerator>()));
        services.TryAddSingleton(sp => new OrganizationRepository(sp.GetRequiredService<BillingDatabase>()));
        services.TryAddSingleton(sp => new ProjectRepository(sp.GetRequiredService<BillingDatabase>()));
        services.TryAddSingleton(sp => new TierRepository(sp.GetRequiredService<BillingDatabase>()));
        services.TryAddSingleton(sp => new ApiKeyRepository(sp.GetRequiredService<BillingDatabase>(), sp.GetRequiredService<ApiKeyGenerator>()));
        services.TryAddSingleton(sp => new ModelPriceRepository(sp.GetRequiredService<BillingDatabase>()));
        services.TryAddSingleton(sp => new AuditLogRepository(sp.GetRequiredService<BillingDatabase>()));
        services.TryAddSingleton(sp => new ModerationEventRepository(sp.GetRequiredService<BillingDatabase>()));
        services.TryAddSingleton(sp => new ProjectSpendRepository(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<BillingDatabase>()));
        return services;
    }
}
