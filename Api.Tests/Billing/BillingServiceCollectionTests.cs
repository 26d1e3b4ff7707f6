using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Api.Tests.Support;
using Platform.Billing;
using Platform.Billing.Accounts;
using Platform.Billing.Audit;
using Platform.Billing.Keys;
using Platform.Billing.Migrations;
using Platform.Billing.Pricing;
using Platform.Billing.Tiers;

namespace Platform.Api.Tests.Billing;

/// <summary><c>AddBilling</c> in a real host: options checked at start-up, migrations before any service starts.</summary>
public sealed class BillingServiceCollectionTests
{
    [Fact]
    public async Task AddBilling_HostStarts_MigratesBeforeOtherServicesStartAndServesRepositories()
    {
        await using var database = await TestDatabase.CreateAsync("platform_host");
        var probe = new SchemaProbe(database.ConnectionString);
        // The probe is registered first: migrations still run before it starts.
        using var host = BuildHost(database.ConnectionString, services => services.AddSingleton<IHostedService>(probe));

        await host.StartAsync();
        var tiers = await host.Services.GetRequiredService<TierRepository>().ListAsync(new PageRequest());
        var organization = await host.Services.GetRequiredService<OrganizationRepository>().CreateAsync("Hosted", AuditActor.System);
        await host.StopAsync();

        Assert.True(probe.SawSchema);
        Assert.Equal(6, tiers.Items.Count);
        Assert.Equal("Hosted", organization.Name);
        foreach (var type in new[] { typeof(ProjectRepository), typeof(ApiKeyRepository), typeof(ModelPriceRepository), typeof(AuditLogRepository), typeof(ApiKeyGenerator), typeof(MigrationRunner) })
        {
            Assert.NotNull(host.Services.GetRequiredService(type));
        }
    }

    [Theory]
    [InlineData(null, "is not set")]
    [InlineData("", "is not set")]
    [InlineData("Host=localhost;Flux Capacitor=1", "not a valid Npgsql connection string")]
    [InlineData("Database=platform", "names no Host")]
    public async Task AddBilling_BadConnectionString_FailsAtStartUpNamingTheSetting(string? connectionString, string reason)
    {
        using var host = BuildHost(connectionString);

        var failed = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("ConnectionStrings:Platform", failed.Message, StringComparison.Ordinal);
        Assert.Contains(reason, failed.Message, StringComparison.Ordinal);
    }

    private static IHost BuildHost(string? connectionString, Action<IServiceCollection>? before = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Platform"] = connectionString });
        before?.Invoke(builder.Services);
        builder.Services.AddLogging();
        builder.Services.AddBilling(builder.Configuration);
        return builder.Build();
    }

    /// <summary>A hosted service that looks for the migrated schema when it starts.</summary>
    private sealed class SchemaProbe(string connectionString) : IHostedService
    {
        public bool SawSchema { get; private set; }

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT to_regclass('api_keys') IS NOT NULL", connection);
            SawSchema = (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
