namespace Platform.Api.RateLimits;

/// <summary>
/// A bucket's stored state: its level and when that level was measured. Capacity refills continuously at
/// capacity per window, which is how OpenAI's limits behave ("remaining" rises steadily, "reset" is the time
/// until the bucket is full again). The same arithmetic runs in-process and in the Redis script.
/// </summary>
internal readonly record struct TokenBucket(double Level, long UpdatedAtMs)
{
    /// <summary>The level at <paramref name="nowMs"/>, refilled since the last update and capped at capacity.</summary>
    public double LevelAt(long nowMs, double capacity, double windowMs)
    {
        var elapsed = Math.Max(0, nowMs - UpdatedAtMs);
        return Math.Min(capacity, Level + (elapsed * capacity / windowMs));
    }

    /// <summary>Takes <paramref name="amount"/> if the bucket holds it; otherwise leaves it and says when it would.</summary>
    public static BucketDecision TryTake(TokenBucket? stored, long nowMs, double capacity, double windowMs, double amount)
    {
        var level = stored?.LevelAt(nowMs, capacity, windowMs) ?? capacity;
        if (amount <= level)
        {
            var remaining = level - amount;
            return new BucketDecision(true, new TokenBucket(remaining, nowMs), remaining, MsUntil(capacity - remaining, capacity, windowMs), 0);
        }

        // More than the whole bucket can never be admitted; say so with the time to a full bucket.
        var retryAfter = amount > capacity ? MsUntil(capacity - level, capacity, windowMs) : MsUntil(amount - level, capacity, windowMs);
        return new BucketDecision(false, new TokenBucket(level, nowMs), level, MsUntil(capacity - level, capacity, windowMs), retryAfter);
    }

    /// <summary>Gives back what a request reserved but did not use (or takes the excess it used).</summary>
    public static TokenBucket Adjust(TokenBucket? stored, long nowMs, double capacity, double windowMs, double delta)
    {
        var level = stored?.LevelAt(nowMs, capacity, windowMs) ?? capacity;
        return new TokenBucket(Math.Clamp(level + delta, double.MinValue, capacity), nowMs);
    }

    private static long MsUntil(double missing, double capacity, double windowMs) =>
        missing <= 0 ? 0 : (long)Math.Ceiling(missing * windowMs / capacity);
}

/// <summary>The outcome of taking from a bucket: whether it was allowed, the new state, and the header figures.</summary>
internal readonly record struct BucketDecision(bool Allowed, TokenBucket Bucket, double Remaining, long ResetMs, long RetryAfterMs);
