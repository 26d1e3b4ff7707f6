using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Platform.Api.Metering;
using Platform.Billing;
using Platform.Billing.Metering;

namespace Platform.Bench;

/// <summary>
/// Usage metering against a real Postgres (<c>PLATFORM_BENCH_POSTGRES</c>, migrated by the bench): sustained events
/// per second from the request side into <c>usage_events</c> (the queue is smaller than the run, so the producer is
/// held to the writer's pace and the figure is what Postgres takes, start to last row), and what the metering
/// middleware adds to a request (feature, event, journal write, channel write) while the writer drains into Postgres. The bench's
/// events are deleted afterwards.
/// </summary>
internal static class MeteringBenchmark
{
    private const int Events = 400_000;
    private const int LatencyRounds = 100_000;

    public static async Task<IReadOnlyList<BenchRow>> RunAsync()
    {
        var connection = HttpBenchmark.PostgresConnection();
        if (string.IsNullOrWhiteSpace(connection))
        {
            Console.WriteLine($"metering: skipped - set {HttpBenchmark.PostgresVariable} to a Postgres connection string to measure metering.");
            return [];
        }

        var spool = Directory.CreateTempSubdirectory("platform-bench-spool-").FullName;
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Platform"] = connection,
            ["Metering:SpoolDirectory"] = spool,
            ["Metering:QueueCapacity"] = "100000",
        });
        builder.Services.AddBilling(builder.Configuration).AddMetering(builder.Configuration);
        using var host = builder.Build();
        await host.StartAsync();
        var meter = host.Services.GetRequiredService<UsageMeter>();
        var data = host.Services.GetRequiredService<NpgsqlDataSource>();
        var run = $"bench-metering-{Guid.NewGuid():N}";
        try
        {
            var throughput = await ThroughputAsync(meter, data, run);
            var (p50, p99) = await MiddlewareLatencyAsync(meter, data, run);
            return
            [
                new BenchRow("metering", "sustained events into Postgres (binary COPY, batches of 5,000)", throughput, "events/s", ">= 20,000 events/s"),
                new BenchRow("metering", "added to a request, p50 (event + journal write + channel write)", p50, "µs"),
                new BenchRow("metering", "added to a request, p99", p99, "µs", "< 100 µs"),
            ];
        }
        finally
        {
            await using (var delete = data.CreateCommand($"DELETE FROM usage_events WHERE request_id LIKE '{run}-%' OR endpoint = '/v1/{run}'"))
            {
                delete.CommandTimeout = 600;
                await delete.ExecuteNonQueryAsync();
            }

            await host.StopAsync();
            Directory.Delete(spool, recursive: true);
        }
    }

    private static async Task<double> ThroughputAsync(UsageMeter meter, NpgsqlDataSource data, string run)
    {
        // The writer's own count of rows committed, so that watching does not load Postgres; checked by a count after.
        long written = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Platform.Metering" && instrument.Name == "platform_metering_events_total")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "outcome", Value: "written" })
                {
                    Interlocked.Add(ref written, value);
                }
            }
        });
        listener.Start();
        var started = Stopwatch.GetTimestamp();
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < Events; i++)
        {
            await meter.RecordAsync(Event(run, now.AddTicks(i), i));
        }

        while (Interlocked.Read(ref written) < Events)
        {
            await Task.Delay(5);
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await WaitForAsync(data, $"request_id LIKE '{run}-%'", Events);
        return Events / seconds;
    }

    /// <summary>The metering middleware around a request that does nothing, with the writer draining into Postgres meanwhile.</summary>
    private static async Task<(double P50, double P99)> MiddlewareLatencyAsync(UsageMeter meter, NpgsqlDataSource data, string run)
    {
        var middleware = new UsageMiddleware(_ => Task.CompletedTask, meter, TimeProvider.System);
        var samples = new double[LatencyRounds];
        for (var i = -10_000; i < LatencyRounds; i++)
        {
            var context = new DefaultHttpContext();
            // No endpoint matched, so the path is the event's endpoint: it marks this run's events.
            context.Request.Path = $"/v1/{run}";
            var started = Stopwatch.GetTimestamp();
            await middleware.InvokeAsync(context);
            if (i >= 0)
            {
                samples[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            }
        }

        Array.Sort(samples);
        await WaitForAsync(data, $"endpoint = '/v1/{run}'", LatencyRounds + 10_000);
        return (samples[LatencyRounds / 2], samples[(int)(LatencyRounds * 0.99)]);
    }

    private static UsageEvent Event(string run, DateTimeOffset at, int i) => new(
        Guid.CreateVersion7(at), at, $"{run}-{i}", 1, 1, 1, "bench-model", "/v1/chat/completions", 200,
        100 + (i % 50), i % 20, 1 + (i % 200), TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(250), "stop", false, (i & 1) == 0, false);

    private static async Task WaitForAsync(NpgsqlDataSource data, string where, long expected)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            await using var count = data.CreateCommand($"SELECT count(*) FROM usage_events WHERE {where}");
            if ((long)(await count.ExecuteScalarAsync())! >= expected)
            {
                return;
            }

            if (deadline.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new TimeoutException($"metering: {expected} events did not reach Postgres in 5 minutes.");
            }

            await Task.Delay(200);
        }
    }
}
