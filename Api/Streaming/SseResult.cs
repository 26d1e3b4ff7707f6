using Platform.Api.Errors;

namespace Platform.Api.Streaming;

/// <summary>
/// A streamed response: headers go out first, then whatever <paramref name="body"/> writes, then
/// <c>data: [DONE]</c>. A fault after the start becomes an error event; a client that leaves just ends it
/// (its cancellation has already stopped the generation).
/// </summary>
internal sealed partial class SseResult(Func<SseWriter, Task> body) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var writer = await SseWriter.StartAsync(httpContext);
        var aborted = httpContext.RequestAborted;
        try
        {
            await body(writer);
            await writer.WriteDoneAsync(aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
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
