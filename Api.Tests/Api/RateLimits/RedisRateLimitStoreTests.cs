using Microsoft.Extensions.Time.Testing;
using Platform.Api.RateLimits;
using Platform.Api.Tests.Api.Coordination;

namespace Platform.Api.Tests.Api.RateLimits;

/// <summary>Two replicas, each with its own connection, share one limit through the real Redis.</summary>
[Collection(RedisTests.Name)]
public sealed class RedisRateLimitStoreTests(RedisFixture redis)
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Admit_TwoReplicasConcurrently_AdmitExactlyTheSharedCapacity()
    {
        await using var first = redis.Connect();
        await using var second = redis.Connect();
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(20_000));
        var replicas = new[] { new RedisRateLimitStore(first, clock), new RedisRateLimitStore(second, clock) };
        var buckets = Buckets(nameof(Admit_TwoReplicasConcurrently_AdmitExactlyTheSharedCapacity), rpm: 100, tpm: 1_000);

        var admissions = await Task.WhenAll(Enumerable.Range(0, 1_000).Select(i =>
            replicas[i % 2].AdmitRequestAsync(buckets, CancellationToken.None).AsTask()));

        Assert.Equal(100, admissions.Count(a => a.Requests.Allowed));
        Assert.All(admissions.Where(a => !a.Requests.Allowed), a => Assert.InRange(a.Requests.RetryAfterMs, 1, 600));
        Assert.All(admissions, a => Assert.Equal(1_000, a.Tokens.Remaining));
    }

    [Fact]
    public async Task EveryCall_MatchesTheInProcessArithmetic()
    {
        await using var connection = redis.Connect();
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(20_000));
        var shared = new RedisRateLimitStore(connection, clock);
        var local = new InProcessRateLimitStore(clock);
        // 7 requests a minute, up to two taken a round: the last round's completion is refused by requests per minute.
        var buckets = Buckets(nameof(EveryCall_MatchesTheInProcessArithmetic), rpm: 7, tpm: 1_000, tpd: 1_500, quota: 5_000);

        var refusals = new List<AdmissionRefusal>();
        foreach (var (advanceMs, tokens, used) in new[] { (0, 600L, 100L), (1_500, 300, 300), (10, 500, 700), (20_000, 400, 0), (0, 2_000, 0), (70_000, 900, 50), (0, 10, 0), (0, 10, 0), (0, 10, 0), (0, 10, 0) })
        {
            clock.Advance(TimeSpan.FromMilliseconds(advanceMs));
            var expectedAdmission = await local.AdmitRequestAsync(buckets, CancellationToken.None);
            var actualAdmission = await shared.AdmitRequestAsync(buckets, CancellationToken.None);
            AssertSame(expectedAdmission.Requests, actualAdmission.Requests);
            AssertSame(expectedAdmission.Tokens, actualAdmission.Tokens);

            var expected = await local.AdmitCompletionAsync(buckets, 1, tokens, CancellationToken.None);
            var actual = await shared.AdmitCompletionAsync(buckets, 1, tokens, CancellationToken.None);
            Assert.Equal(expected.Refusal, actual.Refusal);
            refusals.Add(expected.Refusal);
            AssertSame(expected.Requests, actual.Requests);
            AssertSame(expected.PerMinute, actual.PerMinute);
            AssertSame(expected.PerDay, actual.PerDay);
            if (expected.Refusal == AdmissionRefusal.None)
            {
                await local.SettleAsync(buckets, tokens - used, CancellationToken.None);
                await shared.SettleAsync(buckets, tokens - used, CancellationToken.None);
            }
        }

        Assert.Contains(AdmissionRefusal.Requests, refusals);
        Assert.Contains(AdmissionRefusal.None, refusals);
    }

    [Fact]
    public async Task Quota_TwentyConcurrentReservationsOnTwoReplicas_CannotOvershoot()
    {
        await using var first = redis.Connect();
        await using var second = redis.Connect();
        var replicas = new[] { new RedisRateLimitStore(first, TimeProvider.System), new RedisRateLimitStore(second, TimeProvider.System) };
        var buckets = Buckets(nameof(Quota_TwentyConcurrentReservationsOnTwoReplicas_CannotOvershoot), rpm: 1_000, tpm: 1_000_000, quota: 1_000);

        var admissions = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            replicas[i % 2].AdmitCompletionAsync(buckets, 0, 100, CancellationToken.None).AsTask()));

        // Counted only at settlement, all 20 would pass the check and use 2,000 of a 1,000 quota.
        Assert.Equal(10, admissions.Count(a => a.Refusal == AdmissionRefusal.None));
        Assert.Equal(10, admissions.Count(a => a.Refusal == AdmissionRefusal.Quota));
        await replicas[0].SettleAsync(buckets, 100, CancellationToken.None);
        Assert.Equal(AdmissionRefusal.None, (await replicas[1].AdmitCompletionAsync(buckets, 0, 100, CancellationToken.None)).Refusal);
    }

    [Fact]
    public async Task Quota_CounterExpiresWhenTold()
    {
        await using var connection = redis.Connect();
        var store = new RedisRateLimitStore(connection, TimeProvider.System);
        var expires = DateTimeOffset.UtcNow.AddDays(3);
        var buckets = Buckets(nameof(Quota_CounterExpiresWhenTold), rpm: 10, tpm: 10_000, quota: 1_000, quotaExpiresAt: expires);

        await store.AdmitCompletionAsync(buckets, 0, 300, CancellationToken.None);
        await store.SettleAsync(buckets, 300 - 120, CancellationToken.None);

        var database = (await connection.GetAsync()).GetDatabase();
        Assert.Equal(120, (long)await database.StringGetAsync(buckets.Quota!.Key));
        var ttl = await database.KeyTimeToLiveAsync(buckets.Quota.Key);
        Assert.InRange(ttl!.Value.TotalDays, 2.9, 3);
    }

    [Fact]
    public async Task Scripts_AfterTheServerForgetsThem_AreLoadedAgain()
    {
        await using var connection = redis.Connect(",allowAdmin=true");
        var store = new RedisRateLimitStore(connection, TimeProvider.System);
        var buckets = Buckets(nameof(Scripts_AfterTheServerForgetsThem_AreLoadedAgain), rpm: 10, tpm: 1_000);
        Assert.True((await store.AdmitRequestAsync(buckets, CancellationToken.None)).Requests.Allowed);

        var multiplexer = await connection.GetAsync();
        await multiplexer.GetServer(multiplexer.GetEndPoints()[0]).ScriptFlushAsync();

        var after = await store.AdmitRequestAsync(buckets, CancellationToken.None);
        Assert.True(after.Requests.Allowed);
        Assert.Equal(8, Math.Floor(after.Requests.Remaining));
    }

    [Fact]
    public async Task AdmitCompletion_TwoReplicasConcurrently_AdmitOneGlobalTokensPerMinute()
    {
        await using var first = redis.Connect();
        await using var second = redis.Connect();
        var gates = new[] { new RateLimitGate(new RedisRateLimitStore(first, TimeProvider.System), TimeProvider.System), new RateLimitGate(new RedisRateLimitStore(second, TimeProvider.System), TimeProvider.System) };
        var limits = new ProjectLimits(RedisFixture.NewPrefix(nameof(AdmitCompletion_TwoReplicasConcurrently_AdmitOneGlobalTokensPerMinute)), 1_000, TokensPerMinute: 10_000, TokensPerDay: 1_000_000, 100);

        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => gates[i % 2].AdmitCompletionAsync(limits, 300, takeRequest: false, CancellationToken.None).AsTask()));

        // 10,000 tokens a minute admit 33 reservations of 300 (plus at most one refilled while the test runs), not 66.
        Assert.InRange(results.Count(r => r.Granted), 33, 34);
    }

    private static ProjectBuckets Buckets(string test, double rpm, double tpm, double tpd = 1_000_000, long? quota = null, DateTimeOffset? quotaExpiresAt = null)
    {
        var prefix = RedisFixture.NewPrefix(test);
        return new ProjectBuckets(
            new BucketSpec(prefix + "rpm", rpm, Minute),
            new BucketSpec(prefix + "tpm", tpm, Minute),
            new BucketSpec(prefix + "tpd", tpd, TimeSpan.FromDays(1)),
            quota is { } limit ? new QuotaSpec(prefix + "quota", limit, quotaExpiresAt ?? DateTimeOffset.UtcNow.AddDays(40)) : null);
    }

    private static void AssertSame(BucketDecision expected, BucketDecision actual)
    {
        Assert.Equal(expected.Allowed, actual.Allowed);
        Assert.Equal(expected.Remaining, actual.Remaining, 6);
        Assert.Equal(expected.ResetMs, actual.ResetMs);
        Assert.Equal(expected.RetryAfterMs, actual.RetryAfterMs);
    }
}
