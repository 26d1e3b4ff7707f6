namespace Platform.Api.RateLimits;

/// <summary>
/// Token buckets in this process's memory: exact for one replica, and the fallback when Redis is away. A bucket
/// that has refilled is the same as none, and a past month's counter is dead, so both are swept once a minute:
/// memory follows the projects active now, not every project ever seen.
/// </summary>
internal sealed class InProcessRateLimitStore(TimeProvider time) : IRateLimitStore
{
    private static readonly long SweepEveryMs = (long)TimeSpan.FromMinutes(1).TotalMilliseconds;
    private readonly Dictionary<string, (TokenBucket Bucket, long FullAtMs)> _buckets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Value, long ExpiresAtMs)> _counters = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private long _nextSweepMs;

    /// <summary>Buckets and counters held now: for tests of the sweep.</summary>
    internal int Count
    {
        get
        {
            lock (_lock)
            {
                return _buckets.Count + _counters.Count;
            }
        }
    }

    public ValueTask<RequestAdmission> AdmitRequestAsync(ProjectBuckets buckets, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_lock)
        {
            Sweep(now);
            var requests = Decide(buckets.Requests, now, 1);
            if (requests.Allowed)
            {
                Save(buckets.Requests, requests.Bucket, now);
            }

            return ValueTask.FromResult(new RequestAdmission(requests, Decide(buckets.TokensPerMinute, now, 0)));
        }
    }

    public ValueTask<CompletionAdmission> AdmitCompletionAsync(ProjectBuckets buckets, int requests, long tokens, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_lock)
        {
            Sweep(now);
            return ValueTask.FromResult(AdmitCompletion(buckets, requests, tokens, now));
        }
    }

    public ValueTask SettleAsync(ProjectBuckets buckets, long unused, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_lock)
        {
            Adjust(buckets.TokensPerMinute, now, unused);
            Adjust(buckets.TokensPerDay, now, unused);
            AddToCounter(buckets.Quota, -unused, now);
        }

        return ValueTask.CompletedTask;
    }

    // A refusal after requests per minute took nothing from it either: the headers show it as it stands.
    private CompletionAdmission AdmitCompletion(ProjectBuckets buckets, int requests, long tokens, long now)
    {
        var rpm = Decide(buckets.Requests, now, requests);
        if (!rpm.Allowed)
        {
            return new CompletionAdmission(AdmissionRefusal.Requests, rpm, Decide(buckets.TokensPerMinute, now, 0), default);
        }

        if (buckets.Quota is { } quota && CounterValue(quota.Key, now) + tokens > quota.Limit)
        {
            return new CompletionAdmission(AdmissionRefusal.Quota, Decide(buckets.Requests, now, 0), Decide(buckets.TokensPerMinute, now, 0), default);
        }

        var perMinute = Decide(buckets.TokensPerMinute, now, tokens);
        if (!perMinute.Allowed)
        {
            return new CompletionAdmission(AdmissionRefusal.PerMinute, Decide(buckets.Requests, now, 0), perMinute, default);
        }

        var perDay = Decide(buckets.TokensPerDay, now, tokens);
        if (!perDay.Allowed)
        {
            return new CompletionAdmission(AdmissionRefusal.PerDay, Decide(buckets.Requests, now, 0), perMinute, perDay);
        }

        if (requests > 0)
        {
            Save(buckets.Requests, rpm.Bucket, now);
        }

        Save(buckets.TokensPerMinute, perMinute.Bucket, now);
        Save(buckets.TokensPerDay, perDay.Bucket, now);
        AddToCounter(buckets.Quota, tokens, now);
        return new CompletionAdmission(AdmissionRefusal.None, rpm, perMinute, perDay);
    }

    private BucketDecision Decide(BucketSpec spec, long now, double amount) =>
        TokenBucket.TryTake(_buckets.TryGetValue(spec.Key, out var stored) ? stored.Bucket : null, now, spec.Capacity, spec.Window.TotalMilliseconds, amount);

    private void Adjust(BucketSpec spec, long now, double delta) =>
        Save(spec, TokenBucket.Adjust(_buckets.TryGetValue(spec.Key, out var stored) ? stored.Bucket : null, now, spec.Capacity, spec.Window.TotalMilliseconds, delta), now);

    private void Save(BucketSpec spec, TokenBucket bucket, long now)
    {
        var missing = spec.Capacity - bucket.Level;
        var fullAt = missing <= 0 ? now : now + (long)Math.Ceiling(missing * spec.Window.TotalMilliseconds / spec.Capacity);
        _buckets[spec.Key] = (bucket, fullAt);
    }

    private long CounterValue(string key, long now) =>
        _counters.TryGetValue(key, out var stored) && stored.ExpiresAtMs > now ? stored.Value : 0;

    private void AddToCounter(QuotaSpec? quota, long delta, long now)
    {
        if (quota is null || delta == 0)
        {
            return;
        }

        _counters[quota.Key] = (CounterValue(quota.Key, now) + delta, quota.ExpiresAt.ToUnixTimeMilliseconds());
    }

    private void Sweep(long now)
    {
        if (now < _nextSweepMs)
        {
            return;
        }

        _nextSweepMs = now + SweepEveryMs;
        foreach (var (key, stored) in _buckets)
        {
            if (stored.FullAtMs <= now)
            {
                _buckets.Remove(key);
            }
        }

        foreach (var (key, stored) in _counters)
        {
            if (stored.ExpiresAtMs <= now)
            {
                _counters.Remove(key);
            }
        }
    }
}
