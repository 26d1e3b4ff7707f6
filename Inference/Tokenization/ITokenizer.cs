namespace Platform.Inference.Tokenization;

/// <summary>
/// A loaded Hugging Face tokenizer. Instances are immutable after loading and safe to share between threads.
/// </summary>
public interface ITokenizer
{
    /// <summary>Largest id + 1 over the model vocabulary and the added tokens.</summary>
    int VocabularySize { get; }

    /// <summary>Encodes text; with <paramref name="addSpecialTokens"/> the post-processor's template (e.g. BOS) is applied.</summary>
    IReadOnlyList<int> Encode(string text, bool addSpecialTokens = true);

    /// <summary>Decodes ids to text through the tokenizer's decoder chain.</summary>
    string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens = true);

    /// <summary>Whether the id belongs to a special token (skipped by <see cref="Decode"/> when asked).</summary>
    bool IsSpecial(int id);

    /// <summary>The id of a token string (vocabulary or added token), or null when unknown.</summary>
    int? TokenToId(string token);

    /// <summary>The token string of an id, or null when the id is unknown.</summary>
    string? IdToToken(int id);

    /// <summary>
    /// Starts incremental decoding of tokens generated after <paramref name="promptIds"/>: the concatenation of
    /// everything the detokenizer returns equals <c>Decode(prompt + generated)</c> with <c>Decode(prompt)</c> cut off the front.
    /// </summary>
    StreamingDetokenizer CreateStreamingDetokenizer(IReadOnlyList<int> promptIds, bool skipSpecialTokens = true);
}
