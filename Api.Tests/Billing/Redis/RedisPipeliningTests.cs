using System.Diagnostics;
using Platform.Billing.Redis;
using Xunit.Abstractions;

namespace Platform.Api.Tests.Billing.Redis;

[Collection(RedisTests.Name)]
public sealed class RedisPipeliningTests(RedisFixture redis, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly RedisClient _client = redis.CreateClient();
    private readonly string _prefix = RedisFixture.NewPrefix(nameof(RedisPipeliningTests));

    // Loose enough for a loaded CI machine; on loopback it takes a small fraction of this.
    private static readonly TimeSpan FastEnough = TimeSpan.FromSeconds(5);

    public async Task InitializeAsync() => await _client.ExecuteAsync("PING", []);

    public async Task DisposeAsync() => await _client.DisposeAsync();

    [Fact]
    public async Task Incr_TenThousandConcurrentCallers_CountsExactlyAndMatchesRepliesInOrder()
    {
        const int Callers = 10_000;
        var key = _prefix + "counter";

        var clock = Stopwatch.StartNew();
        // Called from xunit's SynchronizationContext on purpose: the client must not funnel replies through it.
        var replies = await Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => _client.ExecuteAsync("INCR", [key])));
        clock.Stop();

        // Every caller got its own reply: INCR answers each value exactly once.
        Assert.Equal(Enumerable.Range(1, Callers).Select(i => (long)i), replies.Select(r => r.AsInt64()).Order());
        Assert.Equal(Callers, (await _client.ExecuteAsync("GET", [key])).AsInt64());
        Assert.True(clock.Elapsed < FastEnough, $"{Callers} pipelined INCRs took {clock.Elapsed.TotalMilliseconds:F0} ms");
        output.WriteLine($"{Callers} concurrent INCRs in {clock.Elapsed.TotalMilliseconds:F1} ms: {Callers / clock.Elapsed.TotalSeconds:F0} ops/s");
    }

    [Fact]
    public async Task Set_ManyCallersInWaves_SustainsHighRate()
    {
        const int Callers = 256;
        const int PerCaller = 400;
        var key = _prefix + "hot";

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Callers).Select(async caller =>
        {
            for (var i = 0; i < PerCaller; i++)
            {
                await _client.ExecuteAsync("SET", [key, i]);
            }
        }));
        clock.Stop();

        var rate = Callers * PerCaller / clock.Elapsed.TotalSeconds;
        output.WriteLine($"{Callers} callers x {PerCaller} SETs in {clock.Elapsed.TotalMilliseconds:F0} ms: {rate:F0} ops/s");
        Assert.True(clock.Elapsed < FastEnough * 2, $"{Callers * PerCaller} SETs took {clock.Elapsed.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task Get_OneCallerInSequence_ReportsLatency()
    {
        const int Warmup = 200;
        const int Samples = 2_000;
        var key = _prefix + "latency";
        await _client.ExecuteAsync("SET", [key, "value"]);
        for (var i = 0; i < Warmup; i++)
        {
            await _client.ExecuteAsync("GET", [key]);
        }

        var microseconds = new double[Samples];
        for (var i = 0; i < Samples; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var value = await _client.ExecuteAsync("GET", [key]);
            microseconds[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            Assert.Equal("value", value.AsString());
        }

        Array.Sort(microseconds);
        var p50 = microseconds[Samples / 2];
        var p99 = microseconds[Samples * 99 / 100];
        output.WriteLine($"single GET on loopback: p50 {p50:F0} µs, p99 {p99:F0} µs over {Samples} calls");
        Assert.True(p50 < 5_000, $"p50 of a GET is {p50:F0} µs");
    }
}
