using Platform.Inference.Constraints;

namespace Platform.Inference.Engine;

/// <summary>How to pick tokens and when to stop. Temperature 0 is greedy decoding.</summary>
public sealed record GenerationOptions
{
    /// <summary>Most tokens to generate; generation also stops at the model's context length.</summary>
    public int MaxTokens { get; init; } = 16;

    public float Temperature { get; init; } = 1f;

    /// <summary>Nucleus sampling: keep the most likely tokens whose probabilities add up to this.</summary>
    public float TopP { get; init; } = 1f;

    /// <summary>Keep only the k most likely tokens; 0 keeps all.</summary>
    public int TopK { get; init; }

    /// <summary>The same seed and inputs give the same tokens; null draws a seed.</summary>
    public long? Seed { get; init; }

    /// <summary>Keep going past end-of-sequence tokens (for benchmarks that need a fixed length).</summary>
    public bool IgnoreEos { get; init; }

    /// <summary>OpenAI's presence penalty (-2..2): subtracted once from every token already generated.</summary>
    public float PresencePenalty { get; init; }

    /// <summary>OpenAI's frequency penalty (-2..2): subtracted once per earlier occurrence of a token.</summary>
    public float FrequencyPenalty { get; init; }

    /// <summary>Added to a token's logit before sampling (-100 bans it, 100 all but forces it).</summary>
    public IReadOnlyDictionary<int, float> LogitBias { get; init; } = new Dictionary<int, float>();

    /// <summary>When set, every token carries its log-probability and this many most likely alternatives (0..20).</summary>
    public int? TopLogprobs { get; init; }

    /// <summary>When set, only tokens that keep the output inside this grammar (a JSON schema, a tool call) are sampled.</summary>
    public TokenConstraint? Constraint { get; init; }

    /// <summary>
    /// OpenAI's <c>prompt_cache_key</c>: part of the prefix cache's namespace, so only prompts with the same key (and
    /// the same caller scope the API adds) share cached blocks. Null is the default namespace.
    /// </summary>
    public string? PromptCacheKey { get; init; }

    /// <summary>Whether anything beyond a plain arg-max over the logits row is needed.</summary>
    internal bool NeedsFullLogits => Temperature != 0f || PresencePenalty != 0f || FrequencyPenalty != 0f || LogitBias.Count > 0 || TopLogprobs is not null || Constraint is not null;

    public void Validate()
    {
        if (MaxTokens < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxTokens), MaxTokens, "must be at least 1");
        }

        if (!(Temperature >= 0f) || float.IsInfinity(Temperature))
        {
            throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "must be a finite number >= 0");
        }

        if (!(TopP > 0f && TopP <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(TopP), TopP, "must be in (0, 1]");
        }

        if (TopK < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(TopK), TopK, "must be >= 0");
        }

        if (!(PresencePenalty is >= -2f and <= 2f))
        {
            throw new ArgumentOutOfRangeException(nameof(PresencePenalty), PresencePenalty, "must be in [-2, 2]");
        }

        if (!(FrequencyPenalty is >= -2f and <= 2f))
        {
            throw new ArgumentOutOfRangeException(nameof(FrequencyPenalty), FrequencyPenalty, "must be in [-2, 2]");
        }

        if (Constraint is not null && MaxTokens < Constraint.MinTokens)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxTokens), MaxTokens, $"must be at least {Constraint.MinTokens} to finish the constrained structure");
        }

        if (TopLogprobs is < 0 or > 20)
        {
            throw new ArgumentOutOfRangeException(nameof(TopLogprobs), TopLogprobs, "must be in [0, 20]");
        }

        foreach (var (_, bias) in LogitBias)
        {
            if (!(bias is >= -100f and <= 100f))
            {
                throw new ArgumentOutOfRangeException(nameof(LogitBias), bias, "biases must be in [-100, 100]");
            }
        }
    }
}
