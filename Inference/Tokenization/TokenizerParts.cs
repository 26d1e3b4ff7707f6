namespace Platform.Inference.Tokenization;

/// <summary>The components read from a tokenizer folder, handed to <see cref="Tokenizer"/>.</summary>
internal sealed class TokenizerParts
{
    public required TokenVocabulary Vocabulary { get; init; }

    public required BpeModel Model { get; init; }

    public required IReadOnlyList<AddedToken> AddedTokens { get; init; }

    public INormalizer? Normalizer { get; init; }

    public IPreTokenizer? PreTokenizer { get; init; }

    public TemplatePostProcessor? PostProcessor { get; init; }

    /// <summary>The decoder chain; null joins tokens with spaces, as the reference does without a decoder.</summary>
    public IDecoderStep? Decoder { get; init; }

    public required TokenizerOptions Options { get; init; }

    /// <summary>The model's <c>unk_token</c>: decoded for ids outside the vocabulary.</summary>
    public string? UnknownToken { get; init; }

    /// <summary>The unknown token's id in the model vocabulary, if it has one.</summary>
    public int? UnknownId { get; init; }

    /// <summary>Whether consecutive unknown tokens collapse into one (<c>fuse_unk</c>).</summary>
    public bool FuseUnknown { get; init; }
}
