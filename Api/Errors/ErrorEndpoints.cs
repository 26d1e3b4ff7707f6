namespace Platform.Api.Errors;

/// <summary>Unknown routes and methods answer with OpenAI-style errors instead of an empty body.</summary>
internal static class ErrorEndpoints
{
    public static IApplicationBuilder UseOpenAiStatusPages(this IApplicationBuilder app) =>
        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            var (message, code) = http.Response.StatusCode switch
            {
                StatusCodes.Status404NotFound => ($"Invalid URL ({http.Request.Method} {http.Request.Path})", "unknown_url"),
                StatusCodes.Status405MethodNotAllowed => ($"Method {http.Request.Method} is not allowed for {http.Request.Path}.", "method_not_allowed"),
                var status => ($"The request failed with status {status}.", (string?)null),
            };
            var error = new ErrorResponse(new ErrorBody(message, "invalid_request_error", null, code));
            await http.Response.WriteAsJsonAsync(error, ApiJson.Options, http.RequestAborted);
        });
}
