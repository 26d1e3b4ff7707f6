using Microsoft.Extensions.Logging.Abstractions;
using Platform.Api.RateLimits;
using Platform.Api.Tests.Support;
using Platform.Billing.Redis;

namespace Platform.Api.Tests.Api.RateLimits;

public sealed class FallbackRateLimitStoreTests
{
    [Fact]
    public async Task TryTake_SharedStoreDown_UsesTheLocalShareThenRecovers()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var shared = new SwitchableStore(new InProcessRateLimitStore(clock));
        var store = new FallbackRateLimitStore(shared, new InProcessRateLimitStore(clock), replicas: 4, clock, NullLogger<FallbackRateLimitStore>.Instance);
        var window = TimeSpan.FromMinutes(1);

        shared.Down = true;
        var whileDown = new List<bool>();
        for (var i = 0; i < 30; i++)
        {
            whileDown.Add((await store.TryTakeAsync("k", 100, window, 1, CancellationToken.None)).Allowed);
        }

        // A quarter of the limit while alone, no exceptions; and Redis is not hammered while it is down.
        Assert.True(store.IsDegraded);
        Assert.Equal(25, whileDown.Count(a => a));
        Assert.Equal(1, shared.Calls);

        shared.Down = false;
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.True((await store.TryTakeAsync("k", 100, window, 1, CancellationToken.None)).Allowed);
        Assert.False(store.IsDegraded);
    }

    private sealed class SwitchableStore(IRateLimitStore inner) : IRateLimitStore
    {
        public bool Down { get; set; }

        public int Calls { get; private set; }

        public ValueTask<BucketDecision> TryTakeAsync(string key, double capacity, TimeSpan window, double amount, CancellationToken cancellationToken)
        {
            Calls++;
            return Down ? throw new RedisConnectionException("down") : inner.TryTakeAsync(key, capacity, window, amount, cancellationToken);
        }

        public ValueTask<long> AddToCounterAsync(string key, long delta, DateTimeOffset expiresAt, CancellationToken cancellationToken)
        {
            Calls++;
            return Down ? throw new RedisConnectionException("down") : inner.AddToCounterAsync(key, delta, expiresAt, cancellationToken);
        }

        public ValueTask AdjustAsync(string key, double capacity, TimeSpan window, double delta, CancellationToken cancellationToken)
        {
            Calls++;
            return Down ? throw new RedisConnectionException("down") : inner.AdjustAsync(key, capacity, window, delta, cancellationToken);
        }
    }
}
