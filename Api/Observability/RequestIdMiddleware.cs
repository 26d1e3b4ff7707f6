using System.Diagnostics;

namespace Platform.Api.Observability;

/// <summary>
/// Every response carries <c>x-request-id</c> (<c>req_</c> + 32 hex digits, or the client's
/// <c>X-Client-Request-Id</c> when it is short printable ASCII) and <c>openai-processing-ms</c>.
/// </summary>
internal sealed class RequestIdMiddleware(RequestDelegate next)
{
    private const string ItemKey = "platform.request_id";

    public Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var id = Sane(context.Request.Headers["X-Client-Request-Id"].ToString()) ?? $"req_{Guid.NewGuid():N}";
        context.Items[ItemKey] = id;
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers["x-request-id"] = id;
            headers["openai-processing-ms"] = ((long)Stopwatch.GetElapsedTime(started).TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        });
        return next(context);
    }

    public static string Get(HttpContext context) => context.Items[ItemKey] as string ?? "unknown";

    private static string? Sane(string value) =>
        value.Length is > 0 and <= 512 && value.All(c => c is >= '!' and <= '~') ? value : null;
}
