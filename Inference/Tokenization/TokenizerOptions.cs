namespace Platform.Inference.Tokenization;

/// <summary>The parts of tokenizer_config.json that change encoding or decoding.</summary>
internal sealed class TokenizerOptions
{
    public static TokenizerOptions Default { get; } = new();

    /// <summary>Removes spaces before punctuation after decoding (" ." becomes "."); the reference defaults it to on.</summary>
    public bool CleanUpTokenizationSpaces { get; init; } = true;

    /// <summary>Trims each text section and collapses its whitespace runs to one space before normalizing.</summary>
    public bool RemoveSpace { get; init; }

    /// <summary>Extra token strings treated as special when decoding with special tokens skipped.</summary>
    public IReadOnlyList<string> AdditionalSpecialTokens { get; init; } = [];
}
