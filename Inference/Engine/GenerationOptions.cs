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
    }
}
