namespace Platform.Api.RateLimits;

/// <summary>The limits of one project, from its tier.</summary>
internal sealed record ProjectLimits(string ProjectId, int RequestsPerMinute, long TokensPerMinute, long TokensPerDay, int MaxConcurrentRequests, long? MonthlyTokenQuota = null);

/// <summary>
/// The outcome of one limit check, with the figures OpenAI puts in <c>x-ratelimit-*</c> headers and, for a
/// refusal, in its 429 (<c>type</c> "requests" or "tokens", the limit, and when it resets).
/// </summary>
internal sealed record RateLimitResult(bool Allowed, string Type, long Limit, long Remaining, long ResetMs, long RetryAfterMs, string? Message);
