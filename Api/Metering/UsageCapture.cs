using System.Runtime.CompilerServices;
using Platform.Api.Sampling;
using Platform.Inference.Engine;

namespace Platform.Api.Metering;

/// <summary>Counts what a completion really generated into the request's <see cref="UsageFeature"/> as its chunks pass.</summary>
internal static class UsageCapture
{
    /// <summary>
    /// Records the prompt tokens and whether the response is streamed, then passes <paramref name="chunks"/> through,
    /// counting generated tokens, the first token's time, the finish reason and the prompt tokens served from the
    /// prefix cache (read from <paramref name="cached"/>, which the response's usage reads too); a response cut short
    /// (client gone, failure) is billed for the tokens that were generated.
    /// </summary>
    public static IAsyncEnumerable<(int Choice, TextChunk Chunk)> Observe(
        HttpContext context, int promptTokens, bool stream, CachedPromptTokens cached, IAsyncEnumerable<(int Choice, TextChunk Chunk)> chunks)
    {
        chunks = cached.Observe(chunks);
        if (context.Usage() is not { } usage)
        {
            return chunks;
        }

        usage.PromptTokens = promptTokens;
        usage.Streamed = stream;
        return CountAsync(usage, cached, chunks);
    }

    private static async IAsyncEnumerable<(int Choice, TextChunk Chunk)> CountAsync(
        UsageFeature usage, CachedPromptTokens cached, IAsyncEnumerable<(int Choice, TextChunk Chunk)> chunks, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var item in chunks.WithCancellation(cancellationToken))
        {
            usage.CachedPromptTokens = cached.Total;
            if (item.Chunk.Tokens.Count > 0)
            {
                usage.MarkFirstToken();
                usage.CompletionTokens += item.Chunk.Tokens.Count;
            }

            if (item.Chunk.FinishReason is { } reason)
            {
                usage.FinishReason = CompletionRunner.FinishReasonText(reason);
            }

            yield return item;
        }
    }
}
