using System.Globalization;
using Platform.Billing.Redis;

namespace Platform.Api.RateLimits;

/// <summary>
/// Token buckets in Redis, shared by every replica, so a limit holds for the whole deployment instead of once per
/// replica. One Lua script per call applies <see cref="TokenBucket"/>'s arithmetic atomically; buckets expire once
/// they would be full again anyway.
/// </summary>
internal sealed class RedisRateLimitStore(IRedisClient redis, TimeProvider time) : IRateLimitStore
{
    // KEYS[1] bucket; ARGV: now_ms, capacity, window_ms, amount, mode ("take" refuses when short; "adjust" always applies).
    // Returns {allowed, remaining, reset_ms, retry_after_ms}; numbers as strings because Lua replies truncate floats.
    private static readonly RedisScript Script = new("""
        local now = tonumber(ARGV[1])
        local capacity = tonumber(ARGV[2])
        local window = tonumber(ARGV[3])
        local amount = tonumber(ARGV[4])
        local stored = redis.call('HMGET', KEYS[1], 'level', 'at')
        local level = capacity
        if stored[1] then
          local elapsed = math.max(0, now - tonumber(stored[2]))
          level = math.min(capacity, tonumber(stored[1]) + elapsed * capacity / window)
        end
        local allowed = 1
        local retry = 0
        if ARGV[5] == 'adjust' then
          level = math.min(capacity, level + amount)
        elseif amount <= level then
          level = level - amount
        else
          allowed = 0
          local missing = amount - level
          if amount > capacity then missing = capacity - level end
          retry = math.ceil(missing * window / capacity)
        end
        local reset = 0
        if level < capacity then reset = math.ceil((capacity - level) * window / capacity) end
        redis.call('HSET', KEYS[1], 'level', tostring(level), 'at', tostring(now))
        redis.call('PEXPIRE', KEYS[1], math.max(reset, 1000))
        return {allowed, tostring(level), tostring(reset), tostring(retry)}
        """);

    private static readonly RedisScript Counter = new("""
        local value = redis.call('INCRBY', KEYS[1], ARGV[1])
        redis.call('PEXPIREAT', KEYS[1], ARGV[2])
        return value
        """);

    public async ValueTask<long> AddToCounterAsync(string key, long delta, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        (await redis.EvalAsync(Counter, [key], [delta, expiresAt.ToUnixTimeMilliseconds()], cancellationToken)).AsInt64();

    public async ValueTask<BucketDecision> TryTakeAsync(string key, double capacity, TimeSpan window, double amount, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var reply = (await redis.EvalAsync(Script, [key], [now, capacity, window.TotalMilliseconds, amount, "take"], cancellationToken)).AsArray();
        var remaining = double.Parse(reply[1].AsString()!, CultureInfo.InvariantCulture);
        return new BucketDecision(
            reply[0].AsInt64() == 1,
            new TokenBucket(remaining, now),
            remaining,
            long.Parse(reply[2].AsString()!, CultureInfo.InvariantCulture),
            long.Parse(reply[3].AsString()!, CultureInfo.InvariantCulture));
    }

    public async ValueTask AdjustAsync(string key, double capacity, TimeSpan window, double delta, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await redis.EvalAsync(Script, [key], [now, capacity, window.TotalMilliseconds, delta, "adjust"], cancellationToken);
    }
}
