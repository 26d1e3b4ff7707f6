using System.Diagnostics;

namespace Platform.Api.Observability;

/// <summary>
/// Every response carries <c>x-request-id</c> (<c>req_</c> + 32 hex digits, always made here, so support can trust
/// it) and <c>openai-processing-ms</c>; a client's <c>X-Client-Request-Id</c> (printable ASCII, at most 512
/// characters) is echoed in <c>x-client-request-id</c> and stored beside the server's id, as OpenAI does.
/// </summary>
internal sealed class RequestIdMiddleware(RequestDelegate next)
{
    private const string ItemKey = "platform.request_id";
    private const string ClientItemKey = "platform.client_request_id";

    public Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var id = $"req_{Guid.NewGuid():N}";
        var clientId = Sane(context.Request.Headers["X-Client-Request-Id"].ToString());
        context.Items[ItemKey] = id;
        context.Items[ClientItemKey] = clientId;
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers["x-request-id"] = id;
            if (clientId is not null)
            {
                headers["x-client-request-id"] = clientId;
            }

            headers["openai-processing-ms"] = ((long)Stopwatch.GetElapsedTime(started).TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        });
        return next(context);
    }

    public static string Get(HttpContext context) => context.Items[ItemKey] as string ?? "unknown";

    /// <summary>The client's own <c>X-Client-Request-Id</c>, when it sent a usable one.</summary>
    public static string? ClientId(HttpContext context) => context.Items[ClientItemKey] as string;

    private static string? Sane(string value) =>
        value.Length is > 0 and <= 512 && value.All(c => c is >= '!' and <= '~') ? value : null;
}
