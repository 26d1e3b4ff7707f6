namespace Platform.Api.RateLimits;

/// <summary>
/// A request's rate-limit state, set by <see cref="TierLimitsFilter"/>: the project's limits and the latest
/// request and token figures, which the response headers report when the response starts. On an endpoint that
/// reserves tokens (<see cref="TierLimitsConventions.ReservesTokens{TBuilder}"/>) the request is taken from
/// requests per minute together with its tokens, so the figures are missing (<see cref="IsPending"/>) until then.
/// </summary>
internal sealed class RateLimitState
{
    /// <summary>A request the rate-limiting middleware has admitted already.</summary>
    public RateLimitState(ProjectLimits limits, RateLimitResult requests, RateLimitResult tokens)
    {
        Limits = limits;
        Requests = requests;
        Tokens = tokens;
    }

    private RateLimitState(ProjectLimits limits) => Limits = limits;

    public ProjectLimits Limits { get; }

    /// <summary>The requests-per-minute decision; null while it is still to be taken with the token reservation.</summary>
    public RateLimitResult? Requests { get; set; }

    public RateLimitResult? Tokens { get; set; }

    /// <summary>True until requests per minute has decided on this request (admitted or refused).</summary>
    public bool IsPending => Requests is null;

    /// <summary>A request whose admission waits for its token reservation, to make both one store call.</summary>
    public static RateLimitState Deferred(ProjectLimits limits) => new(limits);
}
