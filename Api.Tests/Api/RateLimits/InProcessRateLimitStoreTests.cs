using Microsoft.Extensions.Time.Testing;
using Platform.Api.RateLimits;

namespace Platform.Api.Tests.Api.RateLimits;

public sealed class InProcessRateLimitStoreTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Admit_ConcurrentCallers_NeverAdmitMoreThanCapacity()
    {
        var store = new InProcessRateLimitStore(new FakeTimeProvider(DateTimeOffset.UnixEpoch));
        var buckets = Buckets("p1", rpm: 100);

        var admissions = await Task.WhenAll(Enumerable.Range(0, 1_000).Select(_ =>
            Task.Run(async () => await store.AdmitRequestAsync(buckets, CancellationToken.None))));

        Assert.Equal(100, admissions.Count(a => a.Requests.Allowed));
    }

    [Fact]
    public async Task Admit_ProjectsAreIndependent_AndRefillWithTime()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var store = new InProcessRateLimitStore(clock);

        Assert.True((await store.AdmitRequestAsync(Buckets("a", rpm: 2), CancellationToken.None)).Requests.Allowed);
        Assert.True((await store.AdmitRequestAsync(Buckets("a", rpm: 2), CancellationToken.None)).Requests.Allowed);
        Assert.False((await store.AdmitRequestAsync(Buckets("a", rpm: 2), CancellationToken.None)).Requests.Allowed);
        Assert.True((await store.AdmitRequestAsync(Buckets("b", rpm: 2), CancellationToken.None)).Requests.Allowed);
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.True((await store.AdmitRequestAsync(Buckets("a", rpm: 2), CancellationToken.None)).Requests.Allowed);
    }

    [Fact]
    public async Task Settle_RefundsWhatARequestDidNotUse_AndAdmissionReadsIt()
    {
        var store = new InProcessRateLimitStore(new FakeTimeProvider(DateTimeOffset.UnixEpoch));
        var buckets = Buckets("t", rpm: 10, tpm: 1_000);
        Assert.Equal(AdmissionRefusal.None, (await store.AdmitCompletionAsync(buckets, 0, 1_000, CancellationToken.None)).Refusal);

        await store.SettleAsync(buckets, 700, CancellationToken.None);

        Assert.Equal(700, (await store.AdmitRequestAsync(buckets, CancellationToken.None)).Tokens.Remaining);
    }

    [Fact]
    public async Task Quota_TwentyConcurrentReservations_CannotOvershoot()
    {
        var store = new InProcessRateLimitStore(new FakeTimeProvider(DateTimeOffset.UnixEpoch));
        var buckets = Buckets("q", rpm: 1_000, tpm: 1_000_000) with { Quota = new QuotaSpec("q:quota", 1_000, DateTimeOffset.UnixEpoch.AddDays(31)) };

        var admissions = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            Task.Run(async () => await store.AdmitCompletionAsync(buckets, 0, 100, CancellationToken.None))));

        Assert.Equal(10, admissions.Count(a => a.Refusal == AdmissionRefusal.None));
        Assert.Equal(10, admissions.Count(a => a.Refusal == AdmissionRefusal.Quota));
    }

    [Fact]
    public async Task Sweep_IdleBucketsAndPastCounters_AreEvicted()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var store = new InProcessRateLimitStore(clock);
        for (var i = 0; i < 100; i++)
        {
            var buckets = Buckets($"p{i}", rpm: 10, tpm: 1_000, tpd: 1_000) with { Quota = new QuotaSpec($"p{i}:quota", 10_000, DateTimeOffset.UnixEpoch.AddMinutes(5)) };
            await store.AdmitCompletionAsync(buckets, 0, 500, CancellationToken.None);
        }

        Assert.Equal(300, store.Count);

        // Refilled minute buckets go at the next sweep; the day buckets (half empty for 12 hours) and the month's counters stay.
        clock.Advance(TimeSpan.FromMinutes(2));
        await store.AdmitRequestAsync(Buckets("active", rpm: 10), CancellationToken.None);
        Assert.Equal(201, store.Count);

        clock.Advance(TimeSpan.FromDays(1));
        await store.AdmitRequestAsync(Buckets("active", rpm: 10), CancellationToken.None);
        Assert.Equal(1, store.Count);
    }

    private static ProjectBuckets Buckets(string project, double rpm, double tpm = 1_000_000, double tpd = 1_000_000) => new(
        new BucketSpec(project + ":rpm", rpm, Minute),
        new BucketSpec(project + ":tpm", tpm, Minute),
        new BucketSpec(project + ":tpd", tpd, TimeSpan.FromDays(1)),
        null);
}
