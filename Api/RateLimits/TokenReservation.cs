using Platform.Api.Errors;
using Platform.Api.Observability;

namespace Platform.Api.RateLimits;

/// <summary>
/// Tokens a request holds against its tier's tokens per minute and per day: admitted at prompt + max tokens before
/// generation, settled with the real count (prompt + generated) when it ends, whether it finished, failed or was
/// cancelled. The monthly quota counts the reservation at once and the real count at settlement, so concurrent
/// requests cannot overshoot it. Requests outside the tier filter (no state) reserve nothing.
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

        var gate = context.RequestServices.GetRequiredService<RateLimitGate>();
        var reserved = await gate.ReserveTokensAsync(state.Limits, tokens, context.RequestAborted);
        if (reserved.Refusal == TokenRefusal.Quota)
        {
            // No Retry-After: waiting does not help, and the SDKs must not retry it.
            context.RequestServices.GetRequiredService<RequestMetrics>().RateLimited("quota");
            throw new ApiException(
                StatusCodes.Status429TooManyRequests,
                $"You exceeded your current quota of {state.Limits.MonthlyTokenQuota:N0} tokens this month, please check your plan and billing details.",
                "insufficient_quota",
                null,
                "insufficient_quota");
        }

        var result = reserved.Tokens!;
        state.Tokens = result;
        if (!reserved.Granted)
        {
            context.RequestServices.GetRequiredService<RequestMetrics>().RateLimited("tokens");
            context.Response.OnStarting(() =>
            {
                RateLimitHeaders.ApplyRetry(context.Response.Headers, result);
                return Task.CompletedTask;
            });
            throw new ApiException(StatusCodes.Status429TooManyRequests, result.Message!, "tokens", null, "rate_limit_exceeded");
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
