using Microsoft.Extensions.Options;
using Platform.Api.Budgets;
using Platform.Api.Metering;
using Platform.Api.Moderations;
using Platform.Api.Observability;
using Platform.Api.RateLimits;
using Platform.Api.Sampling;
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
        var body = await JsonRequest.ReadAsync(context.Request, options.Value.MaxRequestBodyBytes, context.RequestAborted);
        var request = ChatRequest.Read(body, options.Value.MaxChoices);
        var moderationRequest = ModerationRequest.Read(body);
        var sampling = request.Sampling;
        var model = CompletionRunner.ResolveModel(registry, sampling.Model, context);
        var promptIds = ChatPrompt.Build(model, request.Messages, request.TemplateTools);
        var maxTokens = CompletionRunner.MaxTokensFor(model, promptIds.Count, sampling.MaxTokens, "messages");
        var constraints = ChatConstraints.For(model, request, options.Value);
        constraints.CheckRoom(maxTokens, !body.Has("max_completion_tokens"));
        var cacheNamespace = PromptCacheKey.Namespace(context, sampling.PromptCacheKey);
        var choices = Enumerable.Range(0, sampling.N)
            .Select(i => new ChoiceRequest(i, promptIds, sampling.ToOptions(maxTokens, i, request.TopLogprobs) with { Constraint = constraints.Constraint, PromptCacheKey = cacheNamespace }))
            .ToList();
        CompletionRunner.Validate(model, choices, "messages");
        await BudgetReservation.ReserveAsync(context, model.Name, promptIds.Count, (long)maxTokens * sampling.N);
        var reservation = await TokenReservation.ReserveAsync(context, promptIds.Count + ((long)maxTokens * sampling.N));
        var moderation = await context.ModerateInputAsync(
            model.Name, [.. request.Messages.Select(m => m["content"] as string ?? string.Empty)], moderationRequest, reservation, "messages");

        var id = ResponseIds.New("chatcmpl");
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        var cached = new CachedPromptTokens(1, sampling.N);
        var response = new ChatResponseBuilder(
            id,
            created,
            model,
            options.Value.SystemFingerprint,
            promptIds.Count,
            cached,
            request.TopLogprobs,
            constraints.ToolSyntax);
        var admission = await CompletionRunner.AdmitAsync(context, model, choices, reservation, sampling.Stream);
        var chunks = UsageCapture.Observe(
            context,
            promptIds.Count,
            sampling.Stream,
            cached,
            CompletionRunner.RunAsync(model, choices, sampling.Stop, admission, context.RequestAborted, moderation.OutputFilter).WithTokenTimings(context, model.Name));
        return await CompletionRunner.RespondAsync(
            reservation,
            admission,
            promptIds.Count,
            () => response.CompletionTokens,
            sampling.Stream,
            async writer =>
            {
                await response.StreamAsync(writer, chunks, sampling.N, sampling.IncludeUsage, context.RequestAborted);
                if (moderation.Report(sampling.N) is { } report)
                {
                    await writer.WriteAsync(new ChatCompletionChunk(id, "chat.completion.chunk", created, model.Name, options.Value.SystemFingerprint, [], null) { Moderation = report }, context.RequestAborted);
                }
            },
            async () => await response.CollectAsync(chunks, sampling.N) with { Moderation = moderation.Report(sampling.N) });
    }
}
