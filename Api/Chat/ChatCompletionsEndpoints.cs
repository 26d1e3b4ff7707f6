using Microsoft.Extensions.Options;
using Platform.Api.RateLimits;
using Platform.Api.Sampling;
using Platform.Api.Metering;
using Platform.Inference.Models;

namespace Platform.Api.Chat;

/// <summary><c>POST /v1/chat/completions</c>: OpenAI's chat completions, whole or streamed.</summary>
internal static class ChatCompletionsEndpoints
{
    public static IEndpointRouteBuilder MapChatCompletions(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/chat/completions", CreateAsync);
        return routes;
    }

    internal static async Task<IResult> CreateAsync(HttpContext context, ModelRegistry registry, IOptions<ApiOptions> options, TimeProvider time)
    {
        var request = ChatRequest.Read(await JsonRequest.ReadAsync(context.Request, options.Value.MaxRequestBodyBytes, context.RequestAborted), options.Value.MaxChoices);
        var sampling = request.Sampling;
        var model = CompletionRunner.ResolveModel(registry, sampling.Model, context);
        var promptIds = ChatPrompt.Build(model, request.Messages);
        var maxTokens = CompletionRunner.MaxTokensFor(model, promptIds.Count, sampling.MaxTokens, "messages");
        var choices = Enumerable.Range(0, sampling.N)
            .Select(i => new ChoiceRequest(i, promptIds, sampling.ToOptions(maxTokens, i, request.TopLogprobs)))
            .ToList();
        CompletionRunner.Validate(model, choices, "messages");
        var reservation = await TokenReservation.ReserveAsync(context, promptIds.Count + ((long)maxTokens * sampling.N));

        var response = new ChatResponseBuilder(
            ResponseIds.New("chatcmpl"),
            time.GetUtcNow().ToUnixTimeSeconds(),
            model,
            options.Value.SystemFingerprint,
            promptIds.Count,
            request.TopLogprobs);
        var chunks = UsageCapture.Observe(context, promptIds.Count, sampling.Stream, CompletionRunner.RunAsync(model, choices, sampling.Stop, context.RequestAborted));
        return await CompletionRunner.RespondAsync(
            reservation,
            promptIds.Count,
            () => response.CompletionTokens,
            sampling.Stream,
            writer => response.StreamAsync(writer, chunks, sampling.N, sampling.IncludeUsage, context.RequestAborted),
            () => response.CollectAsync(chunks, sampling.N));
    }
}
