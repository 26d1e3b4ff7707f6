using System.Globalization;
using Platform.Api.Errors;

namespace Platform.Api.WaitingRoom;

/// <summary>
/// The waiting room's refusal: 503 <c>server_error</c> / <c>server_is_overloaded</c> with <c>Retry-After</c> and
/// <c>retry-after-ms</c>, which the official SDKs retry with back-off.
/// </summary>
internal static class Overloaded
{
    public static ApiException Refuse(HttpContext context, string model, string reason, TimeSpan retryAfter)
    {
        var ms = Math.Max(1_000L, (long)Math.Ceiling(retryAfter.TotalMilliseconds));
        if (!context.Response.HasStarted)
        {
            // Set when the response starts: the error handler clears the response before writing the error.
            context.Response.OnStarting(() =>
            {
                context.Response.Headers.RetryAfter = ((long)Math.Ceiling(ms / 1000.0)).ToString(CultureInfo.InvariantCulture);
                context.Response.Headers["retry-after-ms"] = ms.ToString(CultureInfo.InvariantCulture);
                return Task.CompletedTask;
            });
        }

        var why = reason switch
        {
            "queue_full" => "the waiting room is full",
            "project_queue_full" => "your project already has the most requests waiting that it may",
            "estimated_wait" => "the estimated wait is longer than we let requests wait",
            "draining" => "this server is shutting down; another one will take your request",
            _ => "your request waited as long as we let requests wait",
        };
        return new ApiException(
            StatusCodes.Status503ServiceUnavailable,
            $"We are currently at capacity for model '{model}' ({why}). Please retry your request after a brief wait.",
            "server_error",
            null,
            "server_is_overloaded");
    }
}
