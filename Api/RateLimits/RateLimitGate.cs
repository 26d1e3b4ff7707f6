namespace Platform.Api.RateLimits;

/// <summary>
/// Requests per minute, and tokens per minute and per day, for a project: tokens are admitted at prompt tokens +
/// max tokens and reconciled with the real count when the request ends, so a short answer gives back what it
/// did not use.
/// </summary>
internal sealed class RateLimitGate(IRateLimitStore store, TimeProvider time)
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    public async ValueTask<RateLimitResult> AdmitRequestAsync(ProjectLimits limits, CancellationToken cancellationToken)
    {
        var decision = await store.TryTakeAsync(Key(limits, "rpm"), limits.RequestsPerMinute, Minute, 1, cancellationToken);
        return Result("requests", "requests per min (RPM)", limits.RequestsPerMinute, 1, decision);
    }

    /// <summary>The requests-per-minute bucket as it stands, taking nothing: for the headers.</summary>
    public async ValueTask<RateLimitResult> PeekRequestsAsync(ProjectLimits limits, CancellationToken cancellationToken)
    {
        var decision = await store.TryTakeAsync(Key(limits, "rpm"), limits.RequestsPerMinute, Minute, 0, cancellationToken);
        return Result("requests", "requests per min (RPM)", limits.RequestsPerMinute, 0, decision);
    }

    /// <summary>The tokens-per-minute bucket as it stands, taking nothing: for the headers of requests that reserve no tokens yet.</summary>
    public async ValueTask<RateLimitResult> PeekTokensAsync(ProjectLimits limits, CancellationToken cancellationToken)
    {
        var decision = await store.TryTakeAsync(Key(limits, "tpm"), limits.TokensPerMinute, Minute, 0, cancellationToken);
        return Result("tokens", "tokens per min (TPM)", limits.TokensPerMinute, 0, decision);
    }

    /// <summary>Reserves <paramref name="tokens"/> against both token limits; a refusal by either takes nothing.</summary>
    public async ValueTask<RateLimitResult> ReserveTokensAsync(ProjectLimits limits, long tokens, CancellationToken cancellationToken)
    {
        var perMinute = await store.TryTakeAsync(Key(limits, "tpm"), limits.TokensPerMinute, Minute, tokens, cancellationToken);
        var minuteResult = Result("tokens", "tokens per min (TPM)", limits.TokensPerMinute, tokens, perMinute);
        if (!perMinute.Allowed)
        {
            return minuteResult;
        }

        var perDay = await store.TryTakeAsync(Key(limits, "tpd"), limits.TokensPerDay, Day, tokens, cancellationToken);
        if (!perDay.Allowed)
        {
            await store.AdjustAsync(Key(limits, "tpm"), limits.TokensPerMinute, Minute, tokens, cancellationToken);
            return Result("tokens", "tokens per day (TPD)", limits.TokensPerDay, tokens, perDay);
        }

        return minuteResult;
    }

    /// <summary>Gives back what a request reserved but did not use (or takes what it used beyond its reservation).</summary>
    public async ValueTask ReconcileAsync(ProjectLimits limits, long reserved, long used, CancellationToken cancellationToken)
    {
        var unused = reserved - used;
        if (unused == 0)
        {
            return;
        }

        await store.AdjustAsync(Key(limits, "tpm"), limits.TokensPerMinute, Minute, unused, cancellationToken);
        await store.AdjustAsync(Key(limits, "tpd"), limits.TokensPerDay, Day, unused, cancellationToken);
    }

    /// <summary>Whether <paramref name="tokens"/> more fit in the project's monthly quota (none set: always).</summary>
    public async ValueTask<bool> QuotaAllowsAsync(ProjectLimits limits, long tokens, CancellationToken cancellationToken)
    {
        if (limits.MonthlyTokenQuota is not { } quota)
        {
            return true;
        }

        var (key, expires) = MonthKey(limits);
        return await store.AddToCounterAsync(key, 0, expires, cancellationToken) + tokens <= quota;
    }

    /// <summary>Counts tokens a request used against its project's month.</summary>
    public async ValueTask ConsumeQuotaAsync(ProjectLimits limits, long tokens, CancellationToken cancellationToken)
    {
        if (limits.MonthlyTokenQuota is null || tokens <= 0)
        {
            return;
        }

        var (key, expires) = MonthKey(limits);
        await store.AddToCounterAsync(key, tokens, expires, cancellationToken);
    }

    private (string Key, DateTimeOffset ExpiresAt) MonthKey(ProjectLimits limits)
    {
        var now = time.GetUtcNow();
        var month = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        return ($"platform:quota:{limits.ProjectId}:{month:yyyy-MM}", month.AddMonths(1).AddDays(1));
    }

    private static string Key(ProjectLimits limits, string kind) => $"platform:ratelimit:{limits.ProjectId}:{kind}";

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
