namespace Platform.Inference.Tokenization;

/// <summary>
/// Token strings and ids of the model vocabulary merged with the added tokens (an added token's id wins for its
/// content), plus which strings are special. Lookups by span let hot paths avoid allocating strings.
/// </summary>
internal sealed class TokenVocabulary
{
    private readonly Dictionary<string, int> _tokenToId;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _tokenToIdBySpan;
    private readonly Dictionary<string, AddedToken> _addedByText;
    private readonly Dictionary<string, AddedToken>.AlternateLookup<ReadOnlySpan<char>> _addedBySpan;
    private readonly string?[] _idToToken;
    private readonly HashSet<string> _specialTokens;
    private readonly HashSet<string> _addedContents;

    public TokenVocabulary(
        IReadOnlyDictionary<string, int> modelVocabulary,
        IReadOnlyList<AddedToken> addedTokens,
        INormalizer? normalizer,
        IReadOnlyList<string> additionalSpecialTokens)
    {
        _tokenToId = new Dictionary<string, int>(modelVocabulary, StringComparer.Ordinal);
        _addedByText = new Dictionary<string, AddedToken>(StringComparer.Ordinal);
        _specialTokens = new HashSet<string>(StringComparer.Ordinal);
        _addedContents = new HashSet<string>(StringComparer.Ordinal);

        var maxId = -1;
        foreach (var id in modelVocabulary.Values)
        {
            maxId = Math.Max(maxId, id);
        }

        foreach (var token in addedTokens)
        {
            maxId = Math.Max(maxId, token.Id);
        }

        _idToToken = new string?[maxId + 1];
        foreach (var (token, id) in modelVocabulary)
        {
            if (id >= 0)
            {
                _idToToken[id] = token;
            }
        }

        var normalizedAddedTokens = new List<AddedToken>();
        foreach (var token in addedTokens)
        {
            _tokenToId[token.Content] = token.Id;
            if (token.Id >= 0)
            {
                _idToToken[token.Id] = token.Content;
            }

            _addedByText[token.Content] = token;
            _addedContents.Add(token.Content);
            if (token.Special)
            {
                _specialTokens.Add(token.Content);
            }

            if (token.Normalized && normalizer is not null)
            {
                var normalizedContent = normalizer.Normalize(token.Content);
                _addedByText[normalizedContent] = token;
                normalizedAddedTokens.Add(token with { Content = normalizedContent });
            }
        }

        foreach (var token in additionalSpecialTokens)
        {
            _specialTokens.Add(token);
        }

        NormalizedAddedTokens = normalizedAddedTokens;
        _tokenToIdBySpan = _tokenToId.GetAlternateLookup<ReadOnlySpan<char>>();
        _addedBySpan = _addedByText.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Largest id + 1.</summary>
    public int Size => _idToToken.Length;

    /// <summary>Added tokens marked <c>normalized</c>, with their content passed through the normalizer.</summary>
    public IReadOnlyList<AddedToken> NormalizedAddedTokens { get; }

    /// <summary>Every token string the model may emit (vocabulary plus added tokens) with its id.</summary>
    public IEnumerable<KeyValuePair<string, int>> Entries => _tokenToId;

    public bool Contains(ReadOnlySpan<char> token) => _tokenToIdBySpan.ContainsKey(token);

    /// <summary>The id a token string is encoded as: an added token's (content or normalized content) first, then the vocabulary's.</summary>
    public bool TryGetEncodedId(ReadOnlySpan<char> token, out int id)
    {
        if (_addedBySpan.TryGetValue(token, out var added))
        {
            id = added.Id;
            return true;
        }

        return _tokenToIdBySpan.TryGetValue(token, out id);
    }

    public bool TryGetAddedToken(ReadOnlySpan<char> text, out AddedToken token) =>
        _addedBySpan.TryGetValue(text, out token!);

    public int? TokenToId(string token) => _tokenToId.TryGetValue(token, out var id) ? id : null;

    public string? IdToToken(int id) => (uint)id < (uint)_idToToken.Length ? _idToToken[id] : null;

    public bool IsSpecialToken(string token) => _specialTokens.Contains(token);

    /// <summary>Whether the token string is an added token's content (byte-level decoding passes these through verbatim).</summary>
    public bool IsAddedContent(string token) => _addedContents.Contains(token);
}
