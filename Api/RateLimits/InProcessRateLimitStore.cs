namespace Platform.Api.RateLimits;

/// <summary>Token buckets in this process's memory: exact for one replica, and the fallback when Redis is away.</summary>
internal sealed class InProcessRateLimitStore(TimeProvider time) : IRateLimitStore
{
    private readonly Dictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Value, DateTimeOffset ExpiresAt)> _counters = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public ValueTask<BucketDecision> TryTakeAsync(string key, double capacity, TimeSpan window, double amount, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_lock)
        {
            var decision = TokenBucket.TryTake(_buckets.TryGetValue(key, out var stored) ? stored : null, now, capacity, window.TotalMilliseconds, amount);
            _buckets[key] = decision.Bucket;
            return ValueTask.FromResult(decision);
        }
    }

    public ValueTask AdjustAsync(string key, double capacity, TimeSpan window, double delta, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_lock)
        {
            _buckets[key] = TokenBucket.Adjust(_buckets.TryGetValue(key, out var stored) ? stored : null, now, capacity, window.TotalMilliseconds, delta);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<long> AddToCounterAsync(string key, long delta, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            var current = _counters.TryGetValue(key, out var stored) && stored.ExpiresAt > now ? stored.Value : 0;
            _counters[key] = (current + delta, expiresAt);
            return ValueTask.FromResult(current + delta);
        }
    }
}
