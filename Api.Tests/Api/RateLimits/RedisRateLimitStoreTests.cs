using Platform.Api.RateLimits;
using Platform.Api.Tests.Billing.Redis;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Api.RateLimits;

/// <summary>Two replicas, each with its own connection, share one limit through the real Redis.</summary>
[Collection(RedisTests.Name)]
public sealed class RedisRateLimitStoreTests(RedisFixture redis)
{
    [Fact]
    public async Task TryTake_TwoReplicasConcurrently_AdmitExactlyTheSharedCapacity()
    {
        await using var first = redis.CreateClient();
        await using var second = redis.CreateClient();
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(20_000));
        var replicas = new[] { new RedisRateLimitStore(first, clock), new RedisRateLimitStore(second, clock) };
        var key = RedisFixture.NewPrefix(nameof(TryTake_TwoReplicasConcurrently_AdmitExactlyTheSharedCapacity)) + "rpm";

        var decisions = await Task.WhenAll(Enumerable.Range(0, 1_000).Select(i =>
            replicas[i % 2].TryTakeAsync(key, 100, TimeSpan.FromMinutes(1), 1, CancellationToken.None).AsTask()));

        Assert.Equal(100, decisions.Count(d => d.Allowed));
        Assert.All(decisions.Where(d => !d.Allowed), d => Assert.InRange(d.RetryAfterMs, 1, 600));
    }

    [Fact]
    public async Task TryTakeAndAdjust_MatchTheInProcessArithmetic()
    {
        await using var client = redis.CreateClient();
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(20_000));
        var shared = new RedisRateLimitStore(client, clock);
        var local = new InProcessRateLimitStore(clock);
        var key = RedisFixture.NewPrefix(nameof(TryTakeAndAdjust_MatchTheInProcessArithmetic)) + "tpm";
        var window = TimeSpan.FromMinutes(1);

        foreach (var (advanceMs, amount, adjust) in new[] { (0, 600.0, 0.0), (1_500, 300, 250), (10, 500, 0), (20_000, 400, -50), (0, 2_000, 0) })
        {
            clock.Advance(TimeSpan.FromMilliseconds(advanceMs));
            var expected = await local.TryTakeAsync("same", 1_000, window, amount, CancellationToken.None);
            var actual = await shared.TryTakeAsync(key, 1_000, window, amount, CancellationToken.None);
            Assert.Equal(expected.Allowed, actual.Allowed);
            Assert.Equal(expected.Remaining, actual.Remaining, 6);
            Assert.Equal(expected.ResetMs, actual.ResetMs);
            Assert.Equal(expected.RetryAfterMs, actual.RetryAfterMs);
            if (adjust != 0)
            {
                await local.AdjustAsync("same", 1_000, window, adjust, CancellationToken.None);
                await shared.AdjustAsync(key, 1_000, window, adjust, CancellationToken.None);
            }
        }
    }

    [Fact]
    public async Task AddToCounter_SumsAndExpiresWhenTold()
    {
        await using var client = redis.CreateClient();
        var store = new RedisRateLimitStore(client, TimeProvider.System);
        var key = RedisFixture.NewPrefix(nameof(AddToCounter_SumsAndExpiresWhenTold)) + "quota";
        var expires = DateTimeOffset.UtcNow.AddDays(3);

        Assert.Equal(5, await store.AddToCounterAsync(key, 5, expires, CancellationToken.None));
        Assert.Equal(12, await store.AddToCounterAsync(key, 7, expires, CancellationToken.None));
        Assert.Equal(12, await store.AddToCounterAsync(key, 0, expires, CancellationToken.None));
        var ttl = (await client.ExecuteAsync("PTTL", [key])).AsInt64();
        Assert.InRange(ttl, TimeSpan.FromDays(2.9).TotalMilliseconds, TimeSpan.FromDays(3).TotalMilliseconds);
    }

    [Fact]
    public async Task ReserveTokens_TwoReplicasConcurrently_AdmitOneGlobalTokensPerMinute()
    {
        await using var first = redis.CreateClient();
        await using var second = redis.CreateClient();
        var gates = new[] { new RateLimitGate(new RedisRateLimitStore(first, TimeProvider.System), TimeProvider.System), new RateLimitGate(new RedisRateLimitStore(second, TimeProvider.System), TimeProvider.System) };
        var limits = new ProjectLimits(RedisFixture.NewPrefix(nameof(ReserveTokens_TwoReplicasConcurrently_AdmitOneGlobalTokensPerMinute)), 1_000, TokensPerMinute: 10_000, TokensPerDay: 1_000_000, 100);

        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => gates[i % 2].ReserveTokensAsync(limits, 300, CancellationToken.None).AsTask()));

        // 10,000 tokens a minute admit 33 reservations of 300 (plus at most one refilled while the test runs), not 66.
        Assert.InRange(results.Count(r => r.Allowed), 33, 34);
    }
}
