using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Platform.Api.Auth;
using Platform.Api.Errors;
using Platform.Api.Metering;
using Platform.Api.RateLimits;
using Platform.Api.Streaming;
using Platform.Api.WaitingRoom;
using Platform.Inference.Engine;
using Platform.Inference.Models;

namespace Platform.Api.Sampling;

/// <summary>One choice to generate: its index in the response, its prompt, and how to sample it.</summary>
internal sealed record ChoiceRequest(int Index, IReadOnlyList<int> PromptIds, GenerationOptions Options);

/// <summary>What chat and text completions share between parsing a request and writing its response.</summary>
internal static class CompletionRunner
{
    public static LoadedModel ResolveModel(ModelRegistry registry, string name, HttpContext context)
    {
        context.Usage()?.Model = name;
        if (!context.AllowsModel(name))
        {
            throw ApiException.ModelNotFound(name);
        }

        if (registry.TryGet(name, out var model))
        {
            return model;
        }

        if (!registry.LoadingFinished)
        {
            throw new ApiException(StatusCodes.Status503ServiceUnavailable, "Models are still loading; retry shortly.", "server_error", null, "models_loading");
        }

        throw ApiException.ModelNotFound(name);
    }

    /// <summary>The completion budget: the requested max tokens, or what is left of the context; over the context is an error.</summary>
    public static int MaxTokensFor(LoadedModel model, int promptTokens, int? requested, string promptParam)
    {
        var context = model.Config.ContextLength;
        var budget = requested ?? context - promptTokens;
        if (promptTokens + Math.Max(budget, 1) > context)
        {
            var what = promptParam == "messages" ? "messages" : "prompt";
            throw ApiException.InvalidRequest(
                $"This model's maximum context length is {context} tokens. However, you requested {promptTokens + Math.Max(budget, 1)} tokens " +
                $"({promptTokens} in the {what}, {Math.Max(budget, 1)} in the completion). Please reduce the length of the {what} or completion.",
                promptParam,
                "context_length_exceeded");
        }

        return budget;
    }

    /// <summary>Checks what only the model can judge (token ids, option ranges) before any response byte is written.</summary>
    public static void Validate(LoadedModel model, IReadOnlyList<ChoiceRequest> choices, string promptParam)
    {
        var vocabulary = model.Pool.Signature.VocabularySize;
        foreach (var choice in choices)
        {
            if (choice.Options.LogitBias.Keys.FirstOrDefault(id => id < 0 || id >= vocabulary, -1) is var bad and >= 0)
            {
                throw ApiException.InvalidValue("logit_bias", $"token id {bad} is outside the model's vocabulary of {vocabulary}.");
            }

            try
            {
                model.Pool.Validate(new GenerationRequest(choice.PromptIds, choice.Options));
            }
            catch (InvalidPromptException ex)
            {
                throw ApiException.InvalidRequest(ex.Message, promptParam, "invalid_prompt");
            }
        }
    }

    /// <summary>
    /// The waiting room's verdict, after the token reservation and before any response byte: the engine capacity for
    /// every choice (what <see cref="Platform.Inference.Engine.DevicePool.KvTokensFor"/> counts at admission), or a 503 (then the token reservation is given back at once).
    /// </summary>
    public static async Task<Admission> AdmitAsync(HttpContext context, LoadedModel model, IReadOnlyList<ChoiceRequest> choices, TokenReservation tokens, bool stream)
    {
        var kvTokens = choices.Max(c => model.Pool.KvTokensFor(new GenerationRequest(c.PromptIds, c.Options)));
        try
        {
            var admission = await Admission.EnterAsync(context, model, choices.Count, kvTokens, stream);
            context.Response.RegisterForDispose(admission);
            return admission;
        }
        catch
        {
            await tokens.SettleAsync(0);
            throw;
        }
    }

    /// <summary>
    /// Runs every choice at once on the admitted capacity and interleaves their chunks as they come; leaving early cancels them all.
    /// <paramref name="filter"/> (the moderation pass's output check) wraps each choice's chunks; a filter that stops
    /// reading a choice cancels that choice's generation.
    /// </summary>
    public static async IAsyncEnumerable<(int Choice, TextChunk Chunk)> RunAsync(
        LoadedModel model,
        IReadOnlyList<ChoiceRequest> choices,
        IReadOnlyList<string> stops,
        Admission admission,
        [EnumeratorCancellation] CancellationToken cancellationToken,
        Func<int, IAsyncEnumerable<TextChunk>, IAsyncEnumerable<TextChunk>>? filter = null)
    {
        IAsyncEnumerable<TextChunk> Generate(ChoiceRequest choice, CancellationToken token)
        {
            var chunks = model.GenerateTextAsync(choice.PromptIds, choice.Options, stops, reservation: admission.Reservation, cancellationToken: token);
            return filter is null ? chunks : filter(choice.Index, chunks);
        }

        if (choices.Count == 1)
        {
            var only = choices[0];
            await foreach (var chunk in Generate(only, cancellationToken))
            {
                yield return (only.Index, chunk);
            }

            yield break;
        }

        var merged = Channel.CreateUnbounded<(int, TextChunk)>(new UnboundedChannelOptions { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producers = choices.Select(choice => Task.Run(
            async () =>
            {
                await foreach (var chunk in Generate(choice, stop.Token))
                {
                    await merged.Writer.WriteAsync((choice.Index, chunk), stop.Token);
                }
            },
            stop.Token)).ToArray();
        var completion = Task.WhenAll(producers).ContinueWith(
            t => merged.Writer.TryComplete(t.Exception?.GetBaseException()),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        try
        {
            await foreach (var item in merged.Reader.ReadAllAsync(cancellationToken))
            {
                yield return item;
            }
        }
        finally
        {
            await stop.CancelAsync();
            await completion;
        }
    }

    /// <summary>
    /// Streams or collects the response, and either way settles the token reservation with what was really
    /// generated and gives back the engine capacity, also when the request fails or the client leaves. An opted-in
    /// stream still in the waiting room waits at the start of its stream.
    /// </summary>
    public static async Task<IResult> RespondAsync<T>(
        TokenReservation reservation,
        Admission admission,
        long promptTokens,
        Func<int> completionTokens,
        bool stream,
        Func<SseWriter, Task> streamAsync,
        Func<Task<T>> collectAsync)
    {
        async Task EndAsync()
        {
            admission.Dispose();
            await reservation.SettleAsync(promptTokens + completionTokens());
        }

        if (stream)
        {
            return new SseResult(
                async writer =>
                {
                    try
                    {
                        await admission.WaitAsync(writer);
                        await streamAsync(writer);
                    }
                    finally
                    {
                        await EndAsync();
                    }
                },
                EndAsync);
        }

        try
        {
            return TypedResults.Json(await collectAsync(), ApiJson.Options);
        }
        finally
        {
            await EndAsync();
        }
    }

    public static string FinishReasonText(FinishReason? reason) => reason switch
    {
        FinishReason.Length => "length",
        FinishReason.ContentFilter => "content_filter",
        _ => "stop",
    };
}
