using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Api.Errors;
using Platform.Api.Observability;

namespace Platform.Api.Tests.Api.Errors;

public sealed class ErrorHandlingMiddlewareTests
{
    [Fact]
    public async Task Invoke_UnexpectedFault_Is500WithRequestIdAndNoInternals()
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        var pipeline = new RequestIdMiddleware(new ErrorHandlingMiddleware(
            _ => throw new InvalidOperationException("secret connection string in here"),
            NullLogger<ErrorHandlingMiddleware>.Instance).InvokeAsync);

        await pipeline.InvokeAsync(context);

        context.Response.Body.Position = 0;
        var body = await new StreamReader(context.Response.Body).ReadToEndAsync();
        using var document = JsonDocument.Parse(body);
        var error = document.RootElement.GetProperty("error");
        Assert.Equal(500, context.Response.StatusCode);
        Assert.Equal("server_error", error.GetProperty("type").GetString());
        Assert.Contains(RequestIdMiddleware.Get(context), error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("secret", body, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", body, StringComparison.Ordinal);
    }
}
