using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Platform.Api.Errors;

namespace Platform.Api.Streaming;

/// <summary>
/// Server-sent events as the OpenAI SDKs read them: one <c>data: {json}</c> event per chunk, flushed at once,
/// <c>data: [DONE]</c> at the end, and an error after the stream has started as a <c>data: {"error":...}</c> event.
/// </summary>
internal sealed class SseWriter
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();
    private readonly HttpResponse _response;

    private SseWriter(HttpResponse response) => _response = response;

    public static async Task<SseWriter> StartAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.StartAsync(context.RequestAborted);
        return new SseWriter(response);
    }

    public async Task WriteAsync<T>(T payload, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(payload, ApiJson.Options);
        await _response.Body.WriteAsync(DataPrefix, cancellationToken);
        await _response.Body.WriteAsync(json, cancellationToken);
        await _response.Body.WriteAsync(EventEnd, cancellationToken);
        await _response.Body.FlushAsync(cancellationToken);
    }

    public async Task WriteDoneAsync(CancellationToken cancellationToken)
    {
        await _response.Body.WriteAsync(Done, cancellationToken);
        await _response.Body.FlushAsync(cancellationToken);
    }

    public Task WriteErrorAsync(ApiException error, CancellationToken cancellationToken) => WriteAsync(error.ToResponse(), cancellationToken);

    /// <summary>A comment line (ignored by clients), for keeping a connection alive while waiting.</summary>
    public async Task WriteCommentAsync(string comment, CancellationToken cancellationToken)
    {
        await _response.Body.WriteAsync(Encoding.UTF8.GetBytes($": {comment}\n\n"), cancellationToken);
        await _response.Body.FlushAsync(cancellationToken);
    }
}
