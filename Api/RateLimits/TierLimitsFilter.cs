using Platform.Api.Auth;
using Platform.Api.Errors;
using Platform.Api.Observability;

namespace Platform.Api.RateLimits;

/// <summary>
/// Applies the rest of the project's tier to each /v1 request once the rate-limiting middleware has admitted it
/// (requests per minute, <see cref="TierRateLimiterPolicy"/>): concurrent requests, and OpenAI's
/// <c>x-ratelimit-*</c> headers on every response. A refusal is a 429 with <c>Retry-After</c> and
/// <c>retry-after-ms</c>. Headers are written when the response starts, so they survive the error handler
/// clearing the response. On an endpoint that reserves tokens the middleware takes nothing: the token reservation
/// takes the request with its tokens in one store call, and a request that ends without reaching it (a 400 on its
/// body, say) is taken here before its response starts, so it counts once like any other.
/// </summary>
internal sealed class TierLimitsFilter(ConcurrencyCounter concurrency, RateLimitGate gate, RequestMetrics metrics) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var key = http.GetApiKey();
        var identity = key.Identity;
        var tier = identity.Tier.Limits;
        var state = StateOf(http, LimitsOf(key));
        http.Features.Set(state);
        http.Response.OnStarting(() =>
        {
            if (state.Requests is { } requests)
            {
                RateLimitHeaders.Apply(http.Response.Headers, requests, state.Tokens);
            }

            return Task.CompletedTask;
        });
        if (!concurrency.TryEnter(identity.Project.Id, tier.MaxConcurrentRequests))
        {
            await AdmitIfPendingAsync(http, state);
            var refused = state.Requests! with { Allowed = false, RetryAfterMs = 1_000 };
            metrics.RateLimited("concurrent");
            http.Response.OnStarting(() =>
            {
                RateLimitHeaders.ApplyRetry(http.Response.Headers, refused);
                return Task.CompletedTask;
            });
            throw new ApiException(
                StatusCodes.Status429TooManyRequests,
                $"Rate limit reached on concurrent requests: Limit {tier.MaxConcurrentRequests}. Please try again when one of your requests has finished.",
                "requests",
                null,
                "rate_limit_exceeded");
        }

        try
        {
            var result = await next(context);
            await AdmitIfPendingAsync(http, state);
            if (result is IResult streamed and not IStatusCodeHttpResult)
            {
                // A stream runs after the filter returns: hold the concurrency slot until it has been written.
                return new ReleasingResult(streamed, () => concurrency.Exit(identity.Project.Id));
            }

            concurrency.Exit(identity.Project.Id);
            return result;
        }
        catch
        {
            try
            {
                await AdmitIfPendingAsync(http, state);
            }
            finally
            {
                concurrency.Exit(identity.Project.Id);
            }

            throw;
        }
    }

    public static ProjectLimits LimitsOf(ApiKeyFeature key)
    {
        var tier = key.Identity.Tier.Limits;
        return new ProjectLimits($"proj_{key.Identity.Project.Id}", tier.RequestsPerMinute, tier.TokensPerMinute, tier.TokensPerDay, tier.MaxConcurrentRequests, tier.MonthlyTokenQuota);
    }

    private static RateLimitState StateOf(HttpContext http, ProjectLimits limits)
    {
        // The rate-limiting middleware (the "tier" policy) admitted the request and left the figures for the headers,
        // unless the endpoint takes the request with its token reservation.
        if (http.Features.Get<AdmittedRequest>() is { } admitted)
        {
            return new RateLimitState(limits, admitted.Requests, admitted.Tokens);
        }

        return http.GetEndpoint()?.Metadata.GetMetadata<ReservesTokensMetadata>() is not null
            ? RateLimitState.Deferred(limits)
            : throw new InvalidOperationException("The tier limits filter runs only behind the \"tier\" rate-limiting policy (RequireTierLimits).");
    }

    /// <summary>
    /// A deferred request that ends before its token reservation still counts once against requests per minute, as
    /// OpenAI counts unsuccessful requests; one store call, as for any request that reserves no tokens. Over the limit
    /// it gets the per-minute 429 instead of its own error, as it would have before its body was read.
    /// </summary>
    private async Task AdmitIfPendingAsync(HttpContext http, RateLimitState state)
    {
        if (!state.IsPending)
        {
            return;
        }

        // Not the request's token: a client that left still used a request.
        var admitted = await gate.AdmitRequestAsync(state.Limits, CancellationToken.None);
        state.Requests = admitted.Requests;
        state.Tokens = admitted.Tokens;
        if (!admitted.Requests.Allowed && !http.RequestAborted.IsCancellationRequested)
        {
            throw RateLimitRefusals.Refuse(http, admitted.Requests, "requests");
        }
    }

    private sealed class ReleasingResult(IResult inner, Action release) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            try
            {
                await inner.ExecuteAsync(httpContext);
            }
            finally
            {
                release();
            }
        }
    }
}

internal static class TierLimitsConventions
{
    /// <summary>The tier's limits (RPM through the rate-limiting middleware, the rest in the filter) and OpenAI's rate-limit headers on every endpoint of the group.</summary>
    public static TBuilder RequireTierLimits<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireRateLimiting(TierRateLimiterPolicy.Name).AddEndpointFilter<TBuilder, TierLimitsFilter>();

    /// <summary>
    /// The endpoints reserve tokens (<see cref="TokenReservation"/>): their request is taken from requests per minute
    /// in the same store call as the tokens, so admission costs one call, not two.
    /// </summary>
    public static TBuilder ReservesTokens<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(ReservesTokensMetadata.Instance);
}
