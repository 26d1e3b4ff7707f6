using Microsoft.Extensions.Options;
using Platform.Api.Budgets;
using Platform.Api.Metering;
using Platform.Api.Moderations;
using Platform.Api.Observability;
using Platform.Api.RateLimits;
using Platform.Api.Sampling;
using Platform.Inference.Models;

namespace Platform.Api.Completions;

/// <summary><c>POST /v1/completions</c>: the legacy text completions, whole or streamed.</summary>
internal static class CompletionsEndpoints
{
    public static IEndpointRouteBuilder MapCompletions(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/completions", CreateAsync);
        return routes;
    }

    internal static async Task<IResult> CreateAsync(HttpContext context, ModelRegistry registry, IOptions<ApiOptions> options, TimeProvider time)
    {
        var request = CompletionRequest.Read(await JsonRequest.ReadAsync(context.Request, options.Value.MaxRequestBodyBytes, context.RequestAborted), options.Value.MaxChoices);
        var sampling = request.Sampling;
        var model = CompletionRunner.ResolveModel(registry, sampling.Model, context);
        var prompts = request.Prompts(model.Tokenizer);
        var cacheNamespace = PromptCacheKey.Namespace(context, sampling.PromptCacheKey);
        var choices = new List<ChoiceRequest>();
        for (var p = 0; p < prompts.Count; p++)
        {
            var maxTokens = CompletionRunner.MaxTokensFor(model, prompts[p].Ids.Count, sampling.MaxTokens, "prompt");
            for (var i = 0; i < sampling.N; i++)
            {
                choices.Add(new ChoiceRequest((p * sampling.N) + i, prompts[p].Ids, sampling.ToOptions(maxTokens, i, request.Logprobs) with { PromptCacheKey = cacheNamespace }));
            }
        }

        CompletionRunner.Validate(model, choices, "prompt");
        var promptTokens = prompts.Sum(p => p.Ids.Count);
        await BudgetReservation.ReserveAsync(context, model.Name, promptTokens, choices.Sum(c => (long)c.Options.MaxTokens));
        var reservation = await TokenReservation.ReserveAsync(context, promptTokens + choices.Sum(c => (long)c.Options.MaxTokens));
        var moderation = await context.ModerateInputAsync(model.Name, [.. prompts.Select(p => p.Text)], null, reservation, "prompt");
        var cached = new CachedPromptTokens(prompts.Count, sampling.N);
        var response = new CompletionResponseBuilder(
            ResponseIds.New("cmpl"),
            time.GetUtcNow().ToUnixTimeSeconds(),
            model,
            options.Value.SystemFingerprint,
            prompts,
            sampling.N,
            request,
            cached);
        var admission = await CompletionRunner.AdmitAsync(context, model, choices, reservation, sampling.Stream);
        var chunks = UsageCapture.Observe(
            context,
            promptTokens,
            sampling.Stream,
            cached,
            CompletionRunner.RunAsync(model, choices, sampling.Stop, admission, context.RequestAborted, moderation.OutputFilter).WithTokenTimings(context, model.Name));
        return await CompletionRunner.RespondAsync(
            reservation,
            admission,
            promptTokens,
            () => response.CompletionTokens,
            sampling.Stream,
            writer => response.StreamAsync(writer, chunks, sampling.IncludeUsage, context.RequestAborted),
            () => response.CollectAsync(chunks));
    }
}
