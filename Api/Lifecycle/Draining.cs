using Platform.Api.Errors;

namespace Platform.Api.Lifecycle;

/// <summary>What a draining replica answers.</summary>
internal static class Draining
{
    /// <summary>
    /// A new completion: 503 <c>server_is_overloaded</c> with <c>Retry-After: 1</c>, which the official SDKs retry and
    /// the gateway sends to another replica.
    /// </summary>
    public static ApiException Refuse(HttpContext context)
    {
        // Set when the response starts: the error handler clears the response before writing the error.
        context.Response.OnStarting(() =>
        {
            context.Response.Headers.RetryAfter = "1";
            context.Response.Headers["retry-after-ms"] = "1000";
            return Task.CompletedTask;
        });
        return new ApiException(
            StatusCodes.Status503ServiceUnavailable,
            "This server is shutting down and takes no new requests. Please retry your request; another server will take it.",
            "server_error",
            null,
            "server_is_overloaded");
    }

    /// <summary>A completion still running when the drain timeout passed (an error event, for a stream).</summary>
    public static ApiException Cut() => new(
        StatusCodes.Status503ServiceUnavailable,
        "This server shut down before your completion finished. Please retry your request.",
        "server_error",
        null,
        "server_shutting_down");
}
