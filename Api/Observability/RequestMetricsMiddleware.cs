using System.Diagnostics;

namespace Platform.Api.Observability;

/// <summary>
/// Counts every request by route template (never the raw path, so ids do not explode the label set) and status,
/// and times it to the end of its response, and writes its access-log line. A client that left before any
/// response is counted as 499.
/// </summary>
internal sealed class RequestMetricsMiddleware(RequestDelegate next, RequestMetrics metrics, AccessLog accessLog)
{
    public const string Unmatched = "unmatched";

    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        context.Features.Set(new RequestStart(started));
        try
        {
            await next(context);
        }
        finally
        {
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? Unmatched;
            var status = context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted ? 499 : context.Response.StatusCode;
            var duration = Stopwatch.GetElapsedTime(started);
            metrics.Request(route, status, duration);
            accessLog.Write(context, route, status, duration);
        }
    }
}

/// <summary>When the request arrived (a <see cref="Stopwatch"/> timestamp), for time-to-first-token.</summary>
internal sealed record RequestStart(long Timestamp);
