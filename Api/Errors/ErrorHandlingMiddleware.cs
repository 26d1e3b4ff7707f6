using System.Text.Json;
using Platform.Api.Observability;
using Platform.Billing;

namespace Platform.Api.Errors;

/// <summary>
/// Turns every failure into an OpenAI error object with the right status: our own <see cref="ApiException"/>s,
/// Kestrel's bad-request faults (malformed body, body too large), and anything unexpected (500 with the request
/// id, never internals). A response that has already started is left to the stream writer, which sends its own
/// error event.
/// </summary>
internal sealed partial class ErrorHandlingMiddleware(RequestDelegate next, ILogger<ErrorHandlingMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            var error = Translate(ex, context);
            // Our own 5xx (overloaded, models loading) are expected answers: logging each one would flood the log under overload.
            if (error.Status >= 500 && ex is not ApiException)
            {
                LogUnhandled(logger, ex, RequestIdMiddleware.Get(context));
            }

            context.Response.Clear();
            context.Response.StatusCode = error.Status;
            await context.Response.WriteAsJsonAsync(error.ToResponse(), ApiJson.Options, context.RequestAborted);
        }
    }

    public static ApiException Translate(Exception exception, HttpContext context) => exception switch
    {
        ApiException api => api,
        BillingException billing => FromBilling(billing),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => new ApiException(
            StatusCodes.Status413PayloadTooLarge, "The request body is larger than this server accepts.", "invalid_request_error", null, "request_too_large"),
        BadHttpRequestException bad => ApiException.InvalidRequest($"The request could not be read: {bad.Message}", null),
        JsonException => ApiException.InvalidRequest(
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)", null),
        _ => new ApiException(
            StatusCodes.Status500InternalServerError,
            $"The server had an error while processing your request. Sorry about that! Request id: {RequestIdMiddleware.Get(context)}.",
            "server_error",
            null,
            null),
    };

    /// <summary>The data layer's refusals: its messages are written for the caller and name the parameter at fault.</summary>
    public static ApiException FromBilling(BillingException exception) => exception.Kind switch
    {
        BillingErrorKind.NotFound => new ApiException(StatusCodes.Status404NotFound, exception.Message, "invalid_request_error", exception.Parameter, "not_found"),
        BillingErrorKind.Conflict => new ApiException(StatusCodes.Status409Conflict, exception.Message, "invalid_request_error", exception.Parameter, "conflict"),
        _ => ApiException.InvalidRequest(exception.Message, exception.Parameter, "invalid_value"),
    };

    [LoggerMessage(EventId = 3000, Level = LogLevel.Error, Message = "Unhandled error in request {RequestId}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string requestId);
}
