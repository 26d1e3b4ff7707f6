using System.Runtime.CompilerServices;
using Platform.Inference.Models;

namespace Platform.Inference.Engine;

/// <summary>
/// Generated text as soon as it is complete UTF-8 and clear of any stop sequence, with the tokens that produced
/// it (text held back attaches its tokens to the chunk that finally carries it). The last chunk has the finish reason.
/// </summary>
public sealed record TextChunk(string Text, IReadOnlyList<TokenEvent> Tokens, FinishReason? FinishReason);

/// <summary>
/// Text in, text out: tokenize, generate on the model's pool, detokenize incrementally, apply stop sequences.
/// Special tokens are left out of the text by default, as OpenAI-style servers do; the reference vectors keep
/// them (tokenizers.js's <c>decode</c> default), so conformance tests pass <c>skipSpecialTokens: false</c>.
/// </summary>
public static class TextGenerator
{
    public static IAsyncEnumerable<TextChunk> GenerateTextAsync(
        this LoadedModel model,
        string prompt,
        GenerationOptions options,
        bool skipSpecialTokens = true,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.GenerateTextAsync(model.Tokenizer.Encode(prompt), options, [], skipSpecialTokens, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Streams the continuation of <paramref name="promptIds"/>. When a stop sequence matches, generation is
    /// cancelled at once and the last chunk (text before the stop) carries <see cref="FinishReason.Stop"/>.
    /// With a <paramref name="reservation"/> it runs on that capacity at once; without, it waits in the engine for capacity.
    /// </summary>
    public static async IAsyncEnumerable<TextChunk> GenerateTextAsync(
        this LoadedModel model,
        IReadOnlyList<int> promptIds,
        GenerationOptions options,
        IReadOnlyList<string> stopSequences,
        bool skipSpecialTokens = true,
        EngineReservation? reservation = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var detokenizer = model.Tokenizer.CreateStreamingDetokenizer(promptIds, skipSpecialTokens);
        var stops = new StopSequenceFilter(stopSequences);
        var tokens = new List<TokenEvent>();
        await foreach (var tokenEvent in model.Pool.GenerateAsync(new GenerationRequest(promptIds, options), reservation, cancellationToken).ConfigureAwait(false))
        {
            tokens.Add(tokenEvent);
            var text = tokenEvent.IsEndOfSequence ? string.Empty : detokenizer.Push(tokenEvent.TokenId);
            if (tokenEvent.FinishReason is not null)
            {
                text += detokenizer.Flush();
            }

            var (emit, stopped) = stops.Push(text);
            if (stopped)
            {
                // Leaving the loop disposes the generation, which frees its KV cache at the next step.
                yield return new TextChunk(emit, tokens, FinishReason.Stop);
                yield break;
            }

            if (tokenEvent.FinishReason is { } finish)
            {
                yield return new TextChunk(emit + stops.Flush(), tokens, finish);
                yield break;
            }

            if (emit.Length > 0)
            {
                yield return new TextChunk(emit, tokens, null);
                tokens = [];
            }
        }
    }
}
