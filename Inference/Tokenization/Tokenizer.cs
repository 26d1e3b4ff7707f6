namespace Platform.Inference.Tokenization;

/// <summary>
/// A tokenizer.json pipeline with the reference's (tokenizers.js) behaviour: added tokens are split out first,
/// the rest is normalized, pre-tokenized and run through the BPE model, then the post-processor adds special
/// tokens. Immutable after construction; the model's word cache is thread-safe.
/// </summary>
internal sealed partial class Tokenizer : ITokenizer
{
    private readonly TokenVocabulary _vocabulary;
    private readonly BpeModel _model;
    private readonly INormalizer? _normalizer;
    private readonly IPreTokenizer? _preTokenizer;
    private readonly TemplatePostProcessor? _postProcessor;
    private readonly IDecoderStep? _decoder;
    private readonly TokenizerOptions _options;
    private readonly AddedTokenSplitter _rawTextSplitter;
    private readonly AddedTokenSplitter _normalizedTextSplitter;
    private readonly string? _unknownToken;
    private readonly int? _fusedUnknownId;

    public Tokenizer(TokenizerParts parts)
    {
        _vocabulary = parts.Vocabulary;
        _model = parts.Model;
        _normalizer = parts.Normalizer;
        _preTokenizer = parts.PreTokenizer;
        _postProcessor = parts.PostProcessor;
        _decoder = parts.Decoder;
        _options = parts.Options;
        _unknownToken = parts.UnknownToken;
        _fusedUnknownId = parts.FuseUnknown ? parts.UnknownId : null;

        // Added tokens marked normalized are looked for after normalization, the others in the raw text.
        _rawTextSplitter = new AddedTokenSplitter(
            parts.AddedTokens.Where(t => !(t.Normalized && _normalizer is not null)).Select(t => t.Content));
        _normalizedTextSplitter = new AddedTokenSplitter(_vocabulary.NormalizedAddedTokens.Select(t => t.Content));
    }

    public int VocabularySize => _vocabulary.Size;

    /// <summary>Whether decoded text goes through <see cref="SpaceCleaner"/> (tokenizer_config's <c>clean_up_tokenization_spaces</c>).</summary>
    internal bool CleansUpSpaces => _options.CleanUpTokenizationSpaces;

    public bool IsSpecial(int id) => _vocabulary.IdToToken(id) is { } token && _vocabulary.IsSpecialToken(token);

    public int? TokenToId(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return _vocabulary.TokenToId(token);
    }

    public string? IdToToken(int id) => _vocabulary.IdToToken(id);

    public StreamingDetokenizer CreateStreamingDetokenizer(IReadOnlyList<int> promptIds, bool skipSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(promptIds);
        return new StreamingDetokenizer(this, promptIds, skipSpecialTokens);
    }
}
