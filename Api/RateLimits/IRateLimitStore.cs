namespace Platform.Api.RateLimits;

/// <summary>
/// Where token buckets live: in this process, or in Redis so every replica shares one limit. Both apply the
/// arithmetic of <see cref="TokenBucket"/> atomically per key.
/// </summary>
internal interface IRateLimitStore
{
    /// <summary>Takes <paramref name="amount"/> from the bucket <paramref name="key"/> if it holds it.</summary>
    ValueTask<BucketDecision> TryTakeAsync(string key, double capacity, TimeSpan window, double amount, CancellationToken cancellationToken);

    /// <summary>Adds <paramref name="delta"/> (negative takes) without refusing: for reconciling a reservation with what was used.</summary>
    ValueTask AdjustAsync(string key, double capacity, TimeSpan window, double delta, CancellationToken cancellationToken);

    /// <summary>Adds <paramref name="delta"/> (0 reads) to a plain counter that disappears at <paramref name="expiresAt"/>; returns its value.</summary>
    ValueTask<long> AddToCounterAsync(string key, long delta, DateTimeOffset expiresAt, CancellationToken cancellationToken);
}
