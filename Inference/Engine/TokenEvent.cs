namespace Platform.Inference.Engine;

/// <summary>Why generation ended, in OpenAI's terms.</summary>
public enum FinishReason
{
    /// <summary>The model produced an end-of-sequence token (or a stop sequence matched).</summary>
    Stop,

    /// <summary>Max tokens or the model's context length was reached.</summary>
    Length,

    /// <summary>Moderation stopped the output (the engine never produces it; the API's moderation pass does).</summary>
    ContentFilter,
}

/// <summary>
/// One generated token. The last event of a generation carries its <see cref="FinishReason"/>; when that is
/// <see cref="FinishReason.Stop"/> the token is the end-of-sequence token itself, which is not text, unless it
/// <see cref="ClosesStructure"/>.
/// </summary>
public readonly record struct TokenEvent(int TokenId, FinishReason? FinishReason, TokenLogprobs? Logprobs = null)
{
    /// <summary>A text token that completed a constrained structure: it finishes the generation but is not end-of-sequence.</summary>
    public bool ClosesStructure { get; init; }

    /// <summary>Prompt tokens of this generation served from the prefix cache (the same on every event of a generation).</summary>
    public int CachedPromptTokens { get; init; }

    public bool IsEndOfSequence => FinishReason == Engine.FinishReason.Stop && !ClosesStructure;
}

/// <summary>A token id with its log-probability under the model.</summary>
public readonly record struct TokenLogprob(int TokenId, float Logprob);

/// <summary>
/// The chosen token's log-probability and the most likely alternatives, from the model's own distribution
/// (log-softmax of the raw logits, before bias, penalties and temperature), most likely first.
/// </summary>
public sealed record TokenLogprobs(float Logprob, IReadOnlyList<TokenLogprob> Top);
