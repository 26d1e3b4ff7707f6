using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Api.Tests.Inference.Synthetic;
using Platform.Billing;
using Platform.Billing.Metering;

namespace Platform.Api.Tests.Billing.Metering;

public sealed class MeteringWriterTests(MigratedTemplate template) : BillingDatabaseTest(template)
{
    [Fact]
    public async Task Write_BatchPostgresRejects_CountedRejectedOnly_NotAlsoDuplicate()
    {
        using var folder = new TempDirectory();
        await using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = services.GetRequiredService<IMeterFactory>();
        var counted = new Dictionary<string, long>(StringComparer.Ordinal);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meterFactory) && instrument.Name == "platform_metering_events_total")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            lock (counted)
            {
                var outcome = (string)tags[0].Value!;
                counted[outcome] = counted.GetValueOrDefault(outcome) + value;
            }
        });
        listener.Start();
        var meter = new UsageMeter(1_000);
        using var store = new UsageEventStore(Npgsql.NpgsqlDataSource.Create(Billing.Database.ConnectionString));
        using var writer = NewWriter(folder, meter, store);
        writer.AttachMetrics(new MeteringMetrics(meterFactory, writer.Status));
        await writer.StartAsync(CancellationToken.None);

        // Postgres text cannot hold a NUL character: the batch is refused for its data and set aside.
        await meter.RecordAsync(TestEvents.At(DateTimeOffset.UtcNow) with { RequestId = "req_\0" });
        await writer.StopAsync(CancellationToken.None);

        lock (counted)
        {
            Assert.Equal(1, counted.GetValueOrDefault("rejected"));
            Assert.Equal(0, counted.GetValueOrDefault("duplicate"));
            Assert.Equal(0, counted.GetValueOrDefault("written"));
        }
    }

    [Fact]
    public async Task StopAsync_RightAfterStart_StillDrainsTheQueue()
    {
        using var folder = new TempDirectory();
        var meter = new UsageMeter(1_000);
        using var store = new UsageEventStore(Npgsql.NpgsqlDataSource.Create(Billing.Database.ConnectionString));
        using var writer = NewWriter(folder, meter, store);
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

    /// <summary>A writer on this test's database, spooling into <paramref name="folder"/>, flushing at once.</summary>
    private MeteringWriter NewWriter(TempDirectory folder, UsageMeter meter, UsageEventStore store)
    {
        var options = Options.Create(new MeteringOptions { SpoolDirectory = folder.Path, FlushIntervalMs = 1 });
        return new MeteringWriter(
            meter,
            store,
            new MeteringSpoolFactory(options, Options.Create(new BillingOptions { ConnectionString = Billing.Database.ConnectionString })),
            options,
            TimeProvider.System,
            NullLogger<MeteringWriter>.Instance);
    }
}
