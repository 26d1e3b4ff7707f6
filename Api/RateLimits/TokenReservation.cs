using Platform.Api.Errors;
using Platform.Api.Observability;

namespace Platform.Api.RateLimits;

/// <summary>
/// Tokens a request holds against its tier's tokens per minute and per day: admitted at prompt + max tokens before
/// generation, settled with the real count (prompt + generated) when it ends, whether it finished, failed or was
/// cancelled. Requests outside the tier filter (no state) reserve nothing.
/// </summary>
internal sealed class TokenReservation
{
    private readonly RateLimitGate? _gate;
    private readonly RateLimitState? _state;
    private readonly long _reserved;
    private int _settled;

    private TokenReservation(RateLimitGate? gate, RateLimitState? state, long reserved)
    {
        _gate = gate;
        _state = state;
        _reserved = reserved;
    }

    public static async Task<TokenReservation> ReserveAsync(HttpContext context, long tokens)
    {
        if (context.Features.Get<RateLimitState>() is not { } state)
        {
            return new TokenReservation(null, null, 0);
        }

        var gate = context.RequestServices.GetRequiredService<RateLimitGate>();
        if (!await gate.QuotaAllowsAsync(state.Limits, tokens, context.RequestAborted))
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

        var result = await gate.ReserveTokensAsync(state.Limits, tokens, context.RequestAborted);
        state.Tokens = result;
        if (!result.Allowed)
        {
            context.RequestServices.GetRequiredService<RequestMetrics>().RateLimited("tokens");
            context.Response.OnStarting(() =>
            {
                RateLimitHeaders.ApplyRetry(context.Response.Headers, result);
                return Task.CompletedTask;
            });
            throw new ApiException(StatusCodes.Status429TooManyRequests, result.Message!, "tokens", null, "rate_limit_exceeded");
        }

        return new TokenReservation(gate, state, tokens);
    }

    /// <summary>Gives back what was reserved but not used; once only.</summary>
    public async Task SettleAsync(long used)
    {
        if (_gate is null || _state is null || Interlocked.Exchange(ref _settled, 1) == 1)
        {
            return;
        }

        // Not the request's token: a client that left must still give back its reservation.
        await _gate.ReconcileAsync(_state.Limits, _reserved, used, CancellationToken.None);
        await _gate.ConsumeQuotaAsync(_state.Limits, used, CancellationToken.None);
    }
}
