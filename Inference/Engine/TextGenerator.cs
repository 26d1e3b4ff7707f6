using System.Runtime.CompilerServices;
using Platform.Inference.Models;

namespace Platform.Inference.Engine;

/// <summary>A piece of generated text as soon as it is complete UTF-8, with the token that finished it.</summary>
public readonly record struct TextChunk(string Text, int TokenId, FinishReason? FinishReason);

/// <summary>
/// Text in, text out: tokenize, generate on the model's pool, detokenize incrementally. Special tokens are left
/// out of the text by default, as OpenAI-style servers do; the reference vectors keep them (tokenizers.js's
/// <c>decode</c> default), so conformance tests pass <c>skipSpecialTokens: false</c>.
/// </summary>
public static class TextGenerator
{
    public static async IAsyncEnumerable<TextChunk> GenerateTextAsync(
        this LoadedModel model,
        string prompt,
        GenerationOptions options,
        bool skipSpecialTokens = true,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var promptIds = model.Tokenizer.Encode(prompt);
        var detokenizer = model.Tokenizer.CreateStreamingDetokenizer(promptIds, skipSpecialTokens);
        await foreach (var tokenEvent in model.Pool.GenerateAsync(new GenerationRequest(promptIds, options), cancellationToken).ConfigureAwait(false))
        {
            var text = tokenEvent.IsEndOfSequence ? string.Empty : detokenizer.Push(tokenEvent.TokenId);
            if (tokenEvent.FinishReason is not null)
            {
                text += detokenizer.Flush();
            }

            yield return new TextChunk(text, tokenEvent.TokenId, tokenEvent.FinishReason);
        }
    }
}
