using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;

namespace Platform.Api.Cors;

/// <summary>
/// The CORS policy of <c>/v1</c>: the configured origins, the methods the API has, and of the headers a preflight
/// asks for exactly those the OpenAI SDKs send (<c>authorization</c>, <c>content-type</c>, <c>x-stainless-*</c>,
/// <c>openai-*</c>, and a few more), since a fixed list cannot name the SDKs' prefixed headers.
/// </summary>
internal sealed class SdkCorsPolicyProvider(IOptions<ApiCorsOptions> options) : ICorsPolicyProvider
{
    private static readonly string[] Headers = ["authorization", "content-type", "accept", "x-client-request-id", "x-queue-updates", "idempotency-key"];
    private static readonly string[] HeaderPrefixes = ["x-stainless-", "openai-"];

    /// <summary>What a browser script may read: the request id, timings, limits and retry advice.</summary>
    private static readonly string[] Exposed =
    [
        "x-request-id", "openai-processing-ms", "retry-after", "retry-after-ms",
        "x-ratelimit-limit-requests", "x-ratelimit-remaining-requests", "x-ratelimit-reset-requests",
        "x-ratelimit-limit-tokens", "x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens",
    ];

    public Task<CorsPolicy?> GetPolicyAsync(HttpContext context, string? policyName)
    {
        // With no origin configured the policy allows none: a preflight still gets its 204, without any allow header,
        // so the browser refuses clearly instead of seeing a 405.
        var origins = options.Value.AllowedOrigins;
        var builder = new CorsPolicyBuilder().WithMethods("GET", "POST").WithExposedHeaders(Exposed).SetPreflightMaxAge(TimeSpan.FromHours(1));
        builder = origins.Contains("*") ? builder.AllowAnyOrigin() : builder.WithOrigins([.. origins]);
        var asked = context.Request.Headers.AccessControlRequestHeaders.ToString()
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(IsSdkHeader)
            .ToArray();
        return Task.FromResult<CorsPolicy?>(builder.WithHeaders(asked).Build());
    }

    internal static bool IsSdkHeader(string name) =>
        Headers.Contains(name, StringComparer.OrdinalIgnoreCase)
        || HeaderPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase));
}
