using Platform.Api.Auth;
using Platform.Api.Errors;
using Platform.Api.Observability;

namespace Platform.Api.RateLimits;

/// <summary>
/// Applies the rest of the project's tier to each /v1 request once the rate-limiting middleware has admitted it
/// (requests per minute, <see cref="TierRateLimiterPolicy"/>): concurrent requests, and OpenAI's
/// <c>x-ratelimit-*</c> headers on every response. A refusal is a 429 with <c>Retry-After</c> and
/// <c>retry-after-ms</c>. Headers are written when the response starts, so they survive the error handler
/// clearing the response.
/// </summary>
internal sealed class TierLimitsFilter(ConcurrencyCounter concurrency, RequestMetrics metrics) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var key = http.GetApiKey();
        var identity = key.Identity;
        var tier = identity.Tier.Limits;

        // The rate-limiting middleware (the "tier" policy) admitted the request and left the figures for the headers.
        var admitted = http.Features.Get<AdmittedRequest>()
            ?? throw new InvalidOperationException("The tier limits filter runs only behind the \"tier\" rate-limiting policy (RequireTierLimits).");
        var requests = admitted.Requests;
        var state = new RateLimitState(LimitsOf(key), requests, admitted.Tokens);
        http.Features.Set(state);
        http.Response.OnStarting(() =>
        {
            RateLimitHeaders.Apply(http.Response.Headers, state.Requests, state.Tokens);
            return Task.CompletedTask;
        });
        if (!concurrency.TryEnter(identity.Project.Id, tier.MaxConcurrentRequests))
        {
            var refused = requests with { Allowed = false, RetryAfterMs = 1_000 };
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
            concurrency.Exit(identity.Project.Id);
            throw;
        }
    }

    public static ProjectLimits LimitsOf(ApiKeyFeature key)
    {
        var tier = key.Identity.Tier.Limits;
        return new ProjectLimits($"proj_{key.Identity.Project.Id}", tier.RequestsPerMinute, tier.TokensPerMinute, tier.TokensPerDay, tier.MaxConcurrentRequests, tier.MonthlyTokenQuota);
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
}
