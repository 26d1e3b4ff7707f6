using System.Diagnostics;
using Platform.Api.Auth;

namespace Platform.Api.Observability;

/// <summary>
/// One line per request: method, route template, status, duration, request id, project and trace id. Never the path's
/// query, a header or a key, so the log can be shipped without scrubbing. Category
/// <c>Platform.Api.Observability.AccessLog</c>: set it to <c>Warning</c> to turn the lines off.
/// </summary>
internal sealed partial class AccessLog(ILogger<AccessLog> logger)
{
    public void Write(HttpContext context, string route, int status, TimeSpan duration)
    {
        if (!logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        var project = context.FindApiKey()?.Identity.Project.Id;
        var milliseconds = Math.Round(duration.TotalMilliseconds, 2);
        var requestId = RequestIdMiddleware.Get(context);
        // ASP.NET Core's request activity exists whenever logging is on, and continues a caller's traceparent.
        var traceId = Activity.Current?.TraceId.ToHexString() ?? "";
        LogRequest(logger, context.Request.Method, route, status, milliseconds, requestId, project, traceId);
    }

    [LoggerMessage(EventId = 6000, Level = LogLevel.Information, Message = "{Method} {Route} {Status} in {DurationMs} ms, request {RequestId}, project {ProjectId}, trace {TraceId}")]
    private static partial void LogRequest(ILogger logger, string method, string route, int status, double durationMs, string requestId, long? projectId, string traceId);
}
