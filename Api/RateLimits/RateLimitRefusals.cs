using Platform.Api.Errors;
using Platform.Api.Observability;

namespace Platform.Api.RateLimits;

/// <summary>OpenAI's 429 for a limit that refused: <c>Retry-After</c> and <c>retry-after-ms</c>, and the limit's own message.</summary>
internal static class RateLimitRefusals
{
    /// <summary>
    /// Counts the refusal under <paramref name="limit"/> in the metrics and returns the error to throw; the retry
    /// headers are added when the response starts, so they survive the error handler clearing the response.
    /// </summary>
    public static ApiException Refuse(HttpContext context, RateLimitResult refused, string limit)
    {
        context.RequestServices.GetRequiredService<RequestMetrics>().RateLimited(limit);
        context.Response.OnStarting(() =>
        {
            RateLimitHeaders.ApplyRetry(context.Response.Headers, refused);
            return Task.CompletedTask;
        });
        return new ApiException(StatusCodes.Status429TooManyRequests, refused.Message!, refused.Type, null, "rate_limit_exceeded");
    }
}
