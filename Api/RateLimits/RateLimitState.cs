namespace Platform.Api.RateLimits;

/// <summary>
/// A request's rate-limit state, set by <see cref="TierLimitsFilter"/>: the project's limits and the latest
/// request and token figures, which the response headers report when the response starts.
/// </summary>
internal sealed class RateLimitState(ProjectLimits limits, RateLimitResult requests, RateLimitResult tokens)
{
    public ProjectLimits Limits { get; } = limits;

    public RateLimitResult Requests { get; } = requests;

    public RateLimitResult Tokens { get; set; } = tokens;
}
