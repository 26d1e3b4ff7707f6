using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Api.RateLimits;
using StackExchange.Redis;

namespace Platform.Api.Tests.Api.RateLimits;

public sealed class FallbackRateLimitStoreTests
{
    private static readonly ProjectBuckets Buckets = new(
        new BucketSpec("k:rpm", 100, TimeSpan.FromMinutes(1)),
        new BucketSpec("k:tpm", 1_000, TimeSpan.FromMinutes(1)),
        new BucketSpec("k:tpd", 10_000, TimeSpan.FromDays(1)),
        null);

    [Fact]
    public async Task Admit_SharedStoreDown_UsesTheLocalShareThenRecovers()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var shared = new SwitchableStore(new InProcessRateLimitStore(clock));
        var store = new FallbackRateLimitStore(shared, new InProcessRateLimitStore(clock), replicas: 4, clock, NullLogger<FallbackRateLimitStore>.Instance);

        shared.Down = true;
        var whileDown = new List<bool>();
        for (var i = 0; i < 30; i++)
        {
            whileDown.Add((await store.AdmitRequestAsync(Buckets, CancellationToken.None)).Requests.Allowed);
        }

        // A quarter of the limit while alone, no exceptions; and Redis is not hammered while it is down.
        Assert.True(store.IsDegraded);
        Assert.Equal(25, whileDown.Count(a => a));
        Assert.Equal(1, shared.Calls);
        var tokens = await store.AdmitCompletionAsync(Buckets, 0, 300, CancellationToken.None);
        Assert.Equal(AdmissionRefusal.PerMinute, tokens.Refusal);

        shared.Down = false;
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.True((await store.AdmitRequestAsync(Buckets, CancellationToken.None)).Requests.Allowed);
        Assert.False(store.IsDegraded);
    }

    [Fact]
    public async Task Admit_SharedStoreTimesOut_FallsBackLikeADeadOne()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var shared = new SwitchableStore(new InProcessRateLimitStore(clock)) { Down = true, Failure = new TimeoutException("slow") };
        var store = new FallbackRateLimitStore(shared, new InProcessRateLimitStore(clock), replicas: 2, clock, NullLogger<FallbackRateLimitStore>.Instance);

        var admission = await store.AdmitRequestAsync(Buckets, CancellationToken.None);

        Assert.True(admission.Requests.Allowed);
        Assert.Equal(49, admission.Requests.Remaining);
        Assert.True(store.IsDegraded);
    }

    private sealed class SwitchableStore(IRateLimitStore inner) : IRateLimitStore
    {
        public bool Down { get; set; }

        public Exception Failure { get; init; } = new RedisConnectionException(ConnectionFailureType.SocketFailure, CommandFlags.None, "down", null, CommandStatus.WaitingToBeSent);

        public int Calls { get; private set; }

        public ValueTask<RequestAdmission> AdmitRequestAsync(ProjectBuckets buckets, CancellationToken cancellationToken)
        {
            Calls++;
            return Down ? throw Failure : inner.AdmitRequestAsync(buckets, cancellationToken);
        }

        public ValueTask<CompletionAdmission> AdmitCompletionAsync(ProjectBuckets buckets, int requests, long tokens, CancellationToken cancellationToken)
        {
            Calls++;
            return Down ? throw Failure : inner.AdmitCompletionAsync(buckets, requests, tokens, cancellationToken);
        }

        public ValueTask SettleAsync(ProjectBuckets buckets, long unused, CancellationToken cancellationToken)
        {
            Calls++;
            return Down ? throw Failure : inner.SettleAsync(buckets, unused, cancellationToken);
        }
    }
}
