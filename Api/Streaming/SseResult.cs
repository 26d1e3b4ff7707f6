using Platform.Api.Errors;
using Platform.Api.Lifecycle;

namespace Platform.Api.Streaming;

/// <summary>
/// A streamed response: headers go out first, then whatever <paramref name="body"/> writes, then
/// <c>data: [DONE]</c>. A fault after the start becomes an error event; a client that leaves just ends it
/// (its cancellation has already stopped the generation); one cut by the drain gets an error event. When the headers cannot go out (the client left first),
/// <paramref name="body"/> never runs and <paramref name="notStarted"/> releases what it would have released.
/// </summary>
internal sealed partial class SseResult(Func<SseWriter, Task> body, Func<Task>? notStarted = null) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        SseWriter writer;
        try
        {
            writer = await SseWriter.StartAsync(httpContext);
        }
        catch when (notStarted is not null)
        {
            await notStarted();
            throw;
        }

        var aborted = httpContext.RequestAborted;
        try
        {
            await body(writer);
            await writer.WriteDoneAsync(aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            if (httpContext.Features.Get<DrainLease>() is { WasCut: true } lease)
            {
                // The drain timeout passed with the client still reading: it hears why, rather than a cut connection.
                await writer.WriteErrorAsync(Draining.Cut(), lease.ClientAborted);
            }
        }
        catch (Exception ex)
        {
            var error = ErrorHandlingMiddleware.Translate(ex, httpContext);
            // Our own 5xx (overloaded, models loading) are expected answers: logging each one would flood the log under overload.
            if (error.Status >= 500 && ex is not ApiException)
            {
                var logger = httpContext.RequestServices.GetRequiredService<ILogger<SseResult>>();
                LogStreamFailed(logger, ex, Observability.RequestIdMiddleware.Get(httpContext));
            }

            await writer.WriteErrorAsync(error, aborted);
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Error, Message = "Stream of request {RequestId} failed after it started")]
    private static partial void LogStreamFailed(ILogger logger, Exception exception, string requestId);
}
