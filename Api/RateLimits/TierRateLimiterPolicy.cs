using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Platform.Api.Auth;
using Platform.Api.Errors;
using Platform.Api.Observability;

namespace Platform.Api.RateLimits;

/// <summary>
/// The <c>tier</c> policy of <c>Microsoft.AspNetCore.RateLimiting</c>: partitioned by project (and its tier's
/// RPM, so a tier change takes a fresh partition), each partition a <see cref="ProjectRequestLimiter"/>. A rejection
/// is OpenAI's 429 with <c>Retry-After</c> and <c>retry-after-ms</c>. Endpoints that reserve tokens
/// (<see cref="ReservesTokensMetadata"/>) pass untouched: their request is taken with the tokens.
/// </summary>
internal sealed class TierRateLimiterPolicy(RateLimitGate gate, IHttpContextAccessor requests, TimeProvider time) : IRateLimiterPolicy<string>
{
    public const string Name = "tier";

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => RejectAsync;

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        if (httpContext.FindApiKey() is not { } key)
        {
            // Only reachable without authentication, which RequireApiKey() prevents; never limit what is not counted.
            return RateLimitPartition.GetNoLimiter("anonymous");
        }

        if (httpContext.GetEndpoint()?.Metadata.GetMetadata<ReservesTokensMetadata>() is not null)
        {
            // Taken with the tokens in one store call once the prompt is tokenized (TokenReservation), or by the
            // tier filter if the request ends before that.
            return RateLimitPartition.GetNoLimiter("reserves-tokens");
        }

        var limits = TierLimitsFilter.LimitsOf(key);
        return RateLimitPartition.Get(
            $"{limits.ProjectId}:{limits.RequestsPerMinute.ToString(CultureInfo.InvariantCulture)}",
            _ => new ProjectRequestLimiter(gate, limits, requests, time));
    }

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var result = (context.Lease as ProjectRequestLimiter.Lease)?.Result
            ?? new RateLimitResult(false, "requests", 0, 0, 60_000, 60_000, "Rate limit reached on requests per min (RPM).");

        // All six headers, as on every other /v1 response: a client backing off wants the token budget too. The
        // admission read the tokens-per-minute bucket in the same store call, so this costs no round trip.
        RateLimitHeaders.Apply(http.Response.Headers, result, http.Features.Get<AdmittedRequest>()?.Tokens);
        RateLimitHeaders.ApplyRetry(http.Response.Headers, result);
        var error = new ApiException(StatusCodes.Status429TooManyRequests, result.Message!, "requests", null, "rate_limit_exceeded");
        http.RequestServices.GetRequiredService<RequestMetrics>().RateLimited("requests");
        http.Response.StatusCode = error.Status;
        await http.Response.WriteAsJsonAsync(error.ToResponse(), ApiJson.Options, cancellationToken);
    }
}
