using System.Globalization;
using Platform.Api.Coordination;
using StackExchange.Redis;

namespace Platform.Api.RateLimits;

/// <summary>
/// Token buckets in Redis, shared by every replica, so a limit holds for the whole deployment instead of once per
/// replica. Each call is one script (<see cref="RateLimitScripts"/>), atomic on the server; buckets expire once
/// they would be full again anyway. Calls fail fast (<see cref="SharedRedis"/>) so the fallback can take over.
/// </summary>
internal sealed class RedisRateLimitStore(SharedRedis redis, TimeProvider time) : IRateLimitStore
{
    private static readonly double MinuteMs = TimeSpan.FromMinutes(1).TotalMilliseconds;
    private static readonly double DayMs = TimeSpan.FromDays(1).TotalMilliseconds;

    public async ValueTask<RequestAdmission> AdmitRequestAsync(ProjectBuckets buckets, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var reply = await redis.RunAsync(
            db => RateLimitScripts.Admit.EvaluateAsync(db, new
            {
                rpm = (RedisKey)buckets.Requests.Key,
                tpm = (RedisKey)buckets.TokensPerMinute.Key,
                now,
                minute = MinuteMs,
                rpmCapacity = buckets.Requests.Capacity,
                tpmCapacity = buckets.TokensPerMinute.Capacity,
            }),
            cancellationToken);
        var values = (string[])reply!;
        return new RequestAdmission(Decision(values, 0, now), Decision(values, 4, now));
    }

    public async ValueTask<CompletionAdmission> AdmitCompletionAsync(ProjectBuckets buckets, int requests, long tokens, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var reply = await redis.RunAsync(
            db => RateLimitScripts.AdmitCompletion.EvaluateAsync(db, new
            {
                rpm = (RedisKey)buckets.Requests.Key,
                tpm = (RedisKey)buckets.TokensPerMinute.Key,
                tpd = (RedisKey)buckets.TokensPerDay.Key,
                quota = (RedisKey)QuotaKey(buckets),
                now,
                requests,
                tokens,
                minute = MinuteMs,
                day = DayMs,
                rpmCapacity = buckets.Requests.Capacity,
                tpmCapacity = buckets.TokensPerMinute.Capacity,
                tpdCapacity = buckets.TokensPerDay.Capacity,
                quotaLimit = buckets.Quota?.Limit ?? -1,
                quotaExpiresAt = buckets.Quota?.ExpiresAt.ToUnixTimeMilliseconds() ?? 0,
            }),
            cancellationToken);
        var values = (string[])reply!;
        var refusal = values[0] switch
        {
            "ok" => AdmissionRefusal.None,
            "rpm" => AdmissionRefusal.Requests,
            "quota" => AdmissionRefusal.Quota,
            "tpm" => AdmissionRefusal.PerMinute,
            _ => AdmissionRefusal.PerDay,
        };
        return new CompletionAdmission(refusal, Decision(values, 1, now), Decision(values, 5, now), values.Length > 9 ? Decision(values, 9, now) : default);
    }

    public async ValueTask SettleAsync(ProjectBuckets buckets, long unused, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await redis.RunAsync(
            db => RateLimitScripts.Settle.EvaluateAsync(db, new
            {
                tpm = (RedisKey)buckets.TokensPerMinute.Key,
                tpd = (RedisKey)buckets.TokensPerDay.Key,
                quota = (RedisKey)QuotaKey(buckets),
                now,
                unused,
                minute = MinuteMs,
                day = DayMs,
                tpmCapacity = buckets.TokensPerMinute.Capacity,
                tpdCapacity = buckets.TokensPerDay.Capacity,
                quotaLimit = buckets.Quota?.Limit ?? -1,
                quotaDelta = -unused,
                quotaExpiresAt = buckets.Quota?.ExpiresAt.ToUnixTimeMilliseconds() ?? 0,
            }),
            cancellationToken);
    }

    // A script names all its keys even when the project has no quota; the month's key is never touched then.
    private static string QuotaKey(ProjectBuckets buckets) => buckets.Quota?.Key ?? buckets.TokensPerMinute.Key;

    private static BucketDecision Decision(string[] values, int at, long now)
    {
        var remaining = double.Parse(values[at + 1], CultureInfo.InvariantCulture);
        return new BucketDecision(
            values[at] == "1",
            new TokenBucket(remaining, now),
            remaining,
            long.Parse(values[at + 2], CultureInfo.InvariantCulture),
            long.Parse(values[at + 3], CultureInfo.InvariantCulture));
    }
}
