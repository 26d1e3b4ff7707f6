using Platform.Api.Errors;
using Platform.Api.Observability;

namespace Platform.Api.RateLimits;

/// <summary>
/// Tokens a request holds against its tier's tokens per minute and per day: admitted at prompt + max tokens before
/// generation, settled with the real count (prompt + generated) when it ends, whether it finished, failed or was
/// cancelled. The monthly quota counts the reservation at once and the real count at settlement, so concurrent
/// requests cannot overshoot it. A request whose admission was deferred to this point is taken from requests per
/// minute in the same store call. Requests outside the tier filter (no state) reserve nothing.
/// </summary>
internal sealed class TokenReservation
{
    private readonly RateLimitGate? _gate;
    private readonly ProjectBuckets? _buckets;
    private readonly long _reserved;
    private int _settled;

    private TokenReservation(RateLimitGate? gate, ProjectBuckets? buckets, long reserved)
    {
        _gate = gate;
        _buckets = buckets;
        _reserved = reserved;
    }

    public static async Task<TokenReservation> ReserveAsync(HttpContext context, long tokens)
    {
        if (context.Features.Get<RateLimitState>() is not { } state)
        {
            return new TokenReservation(null, null, 0);
        }

        // A deferred request is taken from requests per minute in this same store call, all or nothing with its tokens.
        var gate = context.RequestServices.GetRequiredService<RateLimitGate>();
        var takeRequest = state.IsPending;
        var reserved = await gate.AdmitCompletionAsync(state.Limits, tokens, takeRequest, context.RequestAborted);
        if (takeRequest)
        {
            state.Requests = reserved.Requests;
        }

        state.Tokens = reserved.Tokens;
        switch (reserved.Refusal)
        {
            case AdmissionRefusal.None:
                break;
            case AdmissionRefusal.Requests:
                throw RateLimitRefusals.Refuse(context, reserved.Requests, "requests");
            case AdmissionRefusal.Quota:
                // No Retry-After: waiting does not help, and the SDKs must not retry it.
                context.RequestServices.GetRequiredService<RequestMetrics>().RateLimited("quota");
                throw new ApiException(
                    StatusCodes.Status429TooManyRequests,
                    $"You exceeded your current quota of {state.Limits.MonthlyTokenQuota:N0} tokens this month, please check your plan and billing details.",
                    "insufficient_quota",
                    null,
                    "insufficient_quota");
            default:
                throw RateLimitRefusals.Refuse(context, reserved.Tokens, "tokens");
        }

        return new TokenReservation(gate, reserved.Buckets, tokens);
    }

    /// <summary>Gives back what was reserved but not used, to the limits and the quota; once only.</summary>
    public async Task SettleAsync(long used)
    {
        if (_gate is null || _buckets is null || Interlocked.Exchange(ref _settled, 1) == 1)
        {
            return;
        }

        // Not the request's token: a client that left must still give back its reservation.
        await _gate.SettleAsync(_buckets, _reserved, used, CancellationToken.None);
    }
}
