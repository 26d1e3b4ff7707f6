using System.Diagnostics;
using Platform.Api.Auth;
using Platform.Api.Moderations;
using Platform.Api.Observability;
using Platform.Billing.Metering;

namespace Platform.Api.Metering;

/// <summary>
/// One usage event per /v1 request, recorded when the request ends whatever the outcome: it runs outside the error
/// handler and the status pages, so 400/401/404/429/500s are recorded with the status the client got, and a client
/// that left is recorded as cancelled (499 when it left before any response). Recording is a journal append (no
/// fsync) and a channel write: the request never waits on the database. It happens before the response's last byte
/// goes out, since no /v1 response sets a Content-Length: Kestrel ends a chunked body (or writes a whole unflushed
/// one) only once the pipeline has returned, so a client that got a complete response has its event on the journal.
/// </summary>
internal sealed class UsageMiddleware(RequestDelegate next, UsageMeter meter, TimeProvider time)
{
    /// <summary>The status recorded for a request whose client left before any response (nginx's convention).</summary>
    public const int ClientClosedRequest = 499;

    private const int MaxEndpointLength = 128;

    public Task InvokeAsync(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/v1", StringComparison.OrdinalIgnoreCase) ? MeterAsync(context) : next(context);

    private async Task MeterAsync(HttpContext context)
    {
        var usage = new UsageFeature(Stopwatch.GetTimestamp(), time.GetUtcNow());
        context.Features.Set(usage);
        try
        {
            await next(context);
        }
        finally
        {
            if (!usage.Unmetered)
            {
                using var span = ApiTracing.Source.StartActivity("metering");
                await meter.RecordAsync(ToEvent(context, usage));
            }
        }
    }

    internal static UsageEvent ToEvent(HttpContext context, UsageFeature usage)
    {
        var aborted = context.RequestAborted.IsCancellationRequested;
        var status = aborted && !context.Response.HasStarted ? ClientClosedRequest : context.Response.StatusCode;
        var key = context.FindApiKey()?.Identity;
        return new UsageEvent(
            Guid.CreateVersion7(usage.StartedAt),
            usage.StartedAt,
            RequestIdMiddleware.Get(context),
            key?.Organization.Id,
            key?.Project.Id,
            key?.Key.Id,
            usage.Model,
            EndpointOf(context),
            status,
            usage.PromptTokens,
            usage.CachedPromptTokens,
            usage.CompletionTokens,
            usage.TimeToFirstToken,
            Stopwatch.GetElapsedTime(usage.StartedTimestamp),
            usage.FinishReason,
            // The moderation pass leaves its outcome on the request (input flagged, or output flagged while streaming).
            context.Features.Get<ModerationOutcome>()?.Flagged == true,
            usage.Streamed,
            usage.Cancelled || aborted,
            RequestIdMiddleware.ClientId(context));
    }

    /// <summary>The route template (<c>/v1/models/{model}</c>) when one matched, so ids do not make every path distinct; the path otherwise.</summary>
    private static string EndpointOf(HttpContext context)
    {
        var endpoint = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? context.Request.Path.Value ?? "/v1";
        endpoint = endpoint.StartsWith('/') ? endpoint : "/" + endpoint;
        return endpoint.Length <= MaxEndpointLength ? endpoint : endpoint[..MaxEndpointLength];
    }
}
