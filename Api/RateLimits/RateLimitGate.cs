using Platform.Api.Observability;

namespace Platform.Api.RateLimits;

/// <summary>
/// Requests per minute, tokens per minute and per day, and the monthly quota, for a project: tokens are admitted
/// at prompt tokens + max tokens and settled with the real count when the request ends, so a short answer gives
/// back what it did not use. One store call to admit a request, with a completion's tokens reserved in the same
/// call, and one to settle them (none when there is nothing to give back).
/// </summary>
internal sealed class RateLimitGate(IRateLimitStore store, TimeProvider time)
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    /// <summary>Takes one request per minute, and reads the tokens-per-minute bucket for the headers.</summary>
    public async ValueTask<AdmittedRequest> AdmitRequestAsync(ProjectLimits limits, CancellationToken cancellationToken)
    {
        using var span = ApiTracing.Source.StartActivity("rate_limits.admit");
        var buckets = BucketsOf(limits);
        var admission = await store.AdmitRequestAsync(buckets, cancellationToken);
        span?.SetTag("platform.rate_limit.allowed", admission.Requests.Allowed);
        return new AdmittedRequest(
            Result("requests", "requests per min (RPM)", limits.RequestsPerMinute, 1, admission.Requests),
            Result("tokens", "tokens per min (TPM)", limits.TokensPerMinute, 0, admission.Tokens));
    }

    /// <summary>
    /// Admits a completion in one store call: the request taken from requests per minute (when
    /// <paramref name="takeRequest"/>; false when the rate-limiting middleware took it already) and
    /// <paramref name="tokens"/> reserved against the quota and both token limits; a refusal by any takes nothing.
    /// </summary>
    public async ValueTask<AdmittedCompletion> AdmitCompletionAsync(ProjectLimits limits, long tokens, bool takeRequest, CancellationToken cancellationToken)
    {
        using var span = ApiTracing.Source.StartActivity("rate_limits.admit");
        span?.SetTag("platform.rate_limit.tokens", tokens);
        var buckets = BucketsOf(limits);
        var admission = await store.AdmitCompletionAsync(buckets, takeRequest ? 1 : 0, tokens, cancellationToken);
        span?.SetTag("platform.rate_limit.allowed", admission.Refusal == AdmissionRefusal.None);
        span?.SetTag("platform.rate_limit.refusal", admission.Refusal.ToString());
        var tokenResult = admission.Refusal == AdmissionRefusal.PerDay
            ? Result("tokens", "tokens per day (TPD)", limits.TokensPerDay, tokens, admission.PerDay)
            : Result("tokens", "tokens per min (TPM)", limits.TokensPerMinute, tokens, admission.PerMinute);
        return new AdmittedCompletion(
            admission.Refusal,
            Result("requests", "requests per min (RPM)", limits.RequestsPerMinute, takeRequest ? 1 : 0, admission.Requests),
            tokenResult,
            buckets);
    }

    /// <summary>Gives back what a reservation did not use (or takes what it used beyond it), in the buckets it was taken from.</summary>
    public async ValueTask SettleAsync(ProjectBuckets buckets, long reserved, long used, CancellationToken cancellationToken)
    {
        if (reserved != used)
        {
            using var span = ApiTracing.Source.StartActivity("rate_limits.settle");
            await store.SettleAsync(buckets, reserved - used, cancellationToken);
        }
    }

    private ProjectBuckets BucketsOf(ProjectLimits limits)
    {
        // The hash tag keeps one project's keys in one Redis Cluster slot, as a multi-key script requires.
        var prefix = $"platform:ratelimit:{{{limits.ProjectId}}}:";
        QuotaSpec? quota = null;
        if (limits.MonthlyTokenQuota is { } monthly)
        {
            var now = time.GetUtcNow();
            var month = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
            quota = new QuotaSpec($"platform:quota:{{{limits.ProjectId}}}:{month:yyyy-MM}", monthly, month.AddMonths(1).AddDays(1));
        }

        return new ProjectBuckets(
            new BucketSpec(prefix + "rpm", limits.RequestsPerMinute, Minute),
            new BucketSpec(prefix + "tpm", limits.TokensPerMinute, Minute),
            new BucketSpec(prefix + "tpd", limits.TokensPerDay, Day),
            quota);
    }

    private static RateLimitResult Result(string type, string name, long limit, long requested, BucketDecision decision)
    {
        var remaining = (long)Math.Floor(Math.Max(0, decision.Remaining));
        var message = decision.Allowed
            ? null
            : requested > limit
                ? $"Request too large: Limit {limit:N0} {name}, Requested {requested:N0}. Reduce the prompt or max_tokens."
                : $"Rate limit reached on {name}: Limit {limit:N0}, Used {limit - remaining:N0}, Requested {requested:N0}. Please try again in {RateLimitDuration.Format(decision.RetryAfterMs)}.";
        return new RateLimitResult(decision.Allowed, type, limit, remaining, decision.ResetMs, decision.RetryAfterMs, message);
    }
}

/// <summary>A request admitted (or refused) by requests per minute, and tokens per minute as it stood then.</summary>
internal sealed record AdmittedRequest(RateLimitResult Requests, RateLimitResult Tokens);

/// <summary>
/// A completion's admission: the requests-per-minute figures (a read when the request was taken before), the token
/// figures for the headers (tokens per day when that limit refused, else tokens per minute, read only when requests
/// or the quota refused), and the buckets it was charged to, which settlement must use even if the month has
/// turned since.
/// </summary>
internal sealed record AdmittedCompletion(AdmissionRefusal Refusal, RateLimitResult Requests, RateLimitResult Tokens, ProjectBuckets Buckets)
{
    public bool Granted => Refusal == AdmissionRefusal.None;
}
