using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Api.Tests.Inference.Synthetic;
using Platform.Billing;
using Platform.Billing.Metering;

namespace Platform.Api.Tests.Billing.Metering;

public sealed class MeteringWriterTests(MigratedTemplate template) : BillingDatabaseTest(template)
{
    [Fact]
    public async Task StopAsync_RightAfterStart_StillDrainsTheQueue()
    {
        using var folder = new TempDirectory();
        var options = Options.Create(new MeteringOptions { SpoolDirectory = folder.Path, FlushIntervalMs = 1 });
        var meter = new UsageMeter(1_000);
        using var store = new UsageEventStore(Npgsql.NpgsqlDataSource.Create(Billing.Database.ConnectionString));
        using var writer = new MeteringWriter(
            meter,
            store,
            new MeteringSpoolFactory(options, Options.Create(new BillingOptions { ConnectionString = Billing.Database.ConnectionString })),
            options,
            TimeProvider.System,
            NullLogger<MeteringWriter>.Instance);
        var usage = TestEvents.Many(3, DateTimeOffset.UtcNow);
        foreach (var e in usage)
        {
            await meter.RecordAsync(e);
        }

        // The host stops at once (another service failed to start): the stop may come before the loop ever ran.
        await writer.StartAsync(CancellationToken.None);
        await writer.StopAsync(CancellationToken.None);

        Assert.Equal(0, meter.Queued);
        Assert.Equal(3L, await Billing.Database.ScalarAsync<long>("SELECT count(*) FROM usage_events") + writer.Status().SpoolEvents);
    }
}
