using System.Globalization;

namespace Platform.Api.RateLimits;

/// <summary>OpenAI's rate-limit headers on every /v1 response, and <c>Retry-After</c> / <c>retry-after-ms</c> on a 429.</summary>
internal static class RateLimitHeaders
{
    public static void Apply(IHeaderDictionary headers, RateLimitResult requests, RateLimitResult? tokens)
    {
        headers["x-ratelimit-limit-requests"] = requests.Limit.ToString(CultureInfo.InvariantCulture);
        headers["x-ratelimit-remaining-requests"] = requests.Remaining.ToString(CultureInfo.InvariantCulture);
        headers["x-ratelimit-reset-requests"] = RateLimitDuration.Format(requests.ResetMs);
        if (tokens is not null)
        {
            headers["x-ratelimit-limit-tokens"] = tokens.Limit.ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-remaining-tokens"] = tokens.Remaining.ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-reset-tokens"] = RateLimitDuration.Format(tokens.ResetMs);
        }
    }

    public static void ApplyRetry(IHeaderDictionary headers, RateLimitResult refused)
    {
        // Whole seconds, rounded up, for Retry-After; the SDKs prefer the exact retry-after-ms when present.
        headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(refused.RetryAfterMs / 1000.0)).ToString(CultureInfo.InvariantCulture);
        headers["retry-after-ms"] = Math.Max(1, refused.RetryAfterMs).ToString(CultureInfo.InvariantCulture);
    }
}
