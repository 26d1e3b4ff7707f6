using System.Runtime.CompilerServices;
using Platform.Inference.Engine;

namespace Platform.Api.Sampling;

/// <summary>
/// The prompt tokens of one response served from the prefix cache, as the engine reports them on each choice's
/// tokens. A prompt is counted once however many choices it has (as its prompt tokens are), at the least any of its
/// choices got, so the figure never exceeds what every choice was really spared. The response's usage and the
/// metering event read this one object, so what is billed is what the client was told.
/// </summary>
internal sealed class CachedPromptTokens(int prompts, int choicesPerPrompt)
{
    private readonly int?[] _perChoice = new int?[prompts * choicesPerPrompt];

    public int Total
    {
        get
        {
            var total = 0;
            for (var prompt = 0; prompt < prompts; prompt++)
            {
                int? least = null;
                for (var choice = prompt * choicesPerPrompt; choice < (prompt + 1) * choicesPerPrompt; choice++)
                {
                    if (_perChoice[choice] is { } cached)
                    {
                        least = Math.Min(least ?? cached, cached);
                    }
                }

                total += least ?? 0;
            }

            return total;
        }
    }

    /// <summary>Passes <paramref name="chunks"/> through, noting each choice's cached tokens from its first token.</summary>
    public async IAsyncEnumerable<(int Choice, TextChunk Chunk)> Observe(
        IAsyncEnumerable<(int Choice, TextChunk Chunk)> chunks, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var item in chunks.WithCancellation(cancellationToken))
        {
            if (item.Chunk.Tokens.Count > 0 && (uint)item.Choice < (uint)_perChoice.Length)
            {
                _perChoice[item.Choice] ??= item.Chunk.Tokens[0].CachedPromptTokens;
            }

            yield return item;
        }
    }
}
