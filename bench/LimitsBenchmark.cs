using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api.RateLimits;
using Platform.Billing.Keys;
using Platform.Api.Coordination;

namespace Platform.Bench;

/// <summary>
/// What authentication and rate limits add to each /v1 request on a warm cache: hashing the presented key (the
/// cache is keyed by its SHA-256) and the admission (one store call: the request taken from requests per minute,
/// and tokens per minute read for the headers), as a /v1 request that reserves no tokens does them; and per
/// completion, the key hash, the admission with its token reservation in one store call, and the settlement (two
/// store calls in all). In process, and with the buckets in Redis when <c>PLATFORM_BENCH_REDIS</c> (host:port) is set.
/// </summary>
internal static class LimitsBenchmark
{
    private const int Rounds = 20_000;

    public static async Task<IReadOnlyList<BenchRow>> RunAsync()
    {
        var rows = new List<BenchRow>();
        rows.AddRange(await MeasureAsync("in-process", new InProcessRateLimitStore(TimeProvider.System), "< 200 µs"));
        if (Environment.GetEnvironmentVariable("PLATFORM_BENCH_REDIS") is { Length: > 0 } endpoint)
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Redis:Configuration"] = endpoint, ["Redis:FailFastMs"] = "10000" }).Build();
            await using var services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System).AddSharedRedis(configuration).BuildServiceProvider();
            var redis = services.GetRequiredService<SharedRedis>();
            rows.AddRange(await MeasureAsync("Redis on loopback", new RedisRateLimitStore(redis, TimeProvider.System), "< 1,000 µs"));
        }
        else
        {
            Console.WriteLine("limits: Redis rows skipped - set PLATFORM_BENCH_REDIS=host:port to measure limits kept in Redis.");
        }

        return rows;
    }

    private static async Task<BenchRow[]> MeasureAsync(string where, IRateLimitStore store, string target)
    {
        var gate = new RateLimitGate(store, TimeProvider.System);
        var limits = new ProjectLimits($"bench_{Guid.NewGuid():N}", int.MaxValue, long.MaxValue / 4, long.MaxValue / 2, 1_000, MonthlyTokenQuota: long.MaxValue / 2);
        const string Secret = "sk-bench-0123456789abcdefghijklmnopqrstuvwxyz";
        var request = new double[Rounds];
        var completion = new double[Rounds];
        for (var i = -2_000; i < Rounds; i++)
        {
            var started = Stopwatch.GetTimestamp();
            _ = ApiKeyGenerator.Hash(Secret);
            await gate.AdmitRequestAsync(limits, CancellationToken.None);
            var admitted = Stopwatch.GetElapsedTime(started).TotalMicroseconds;

            // A completion: the request and its tokens (quota included) admitted in one store call, then settled in one.
            var completing = Stopwatch.GetTimestamp();
            _ = ApiKeyGenerator.Hash(Secret);
            var reserved = await gate.AdmitCompletionAsync(limits, 120, takeRequest: true, CancellationToken.None);
            await gate.SettleAsync(reserved.Buckets, 120, 37, CancellationToken.None);
            if (i >= 0)
            {
                request[i] = admitted;
                completion[i] = Stopwatch.GetElapsedTime(completing).TotalMicroseconds;
            }
        }

        Array.Sort(request);
        Array.Sort(completion);
        return
        [
            new BenchRow($"auth + limits ({where})", "added per request, p50", request[Rounds / 2], "µs", target),
            new BenchRow($"auth + limits ({where})", "added per request, p99", request[(int)(Rounds * 0.99)], "µs"),
            new BenchRow($"auth + limits ({where})", "added per completion, p50", completion[Rounds / 2], "µs"),
            new BenchRow($"auth + limits ({where})", "added per completion, p99", completion[(int)(Rounds * 0.99)], "µs"),
        ];
    }
}
