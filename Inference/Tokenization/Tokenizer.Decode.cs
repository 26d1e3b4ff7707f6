namespace Platform.Inference.Tokenization;

/// <summary>Decoding: ids to text.</summary>
internal sealed partial class Tokenizer
{
    public string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var raw = DecodeRaw(ids, 0, ids.Count, skipSpecialTokens);
        return CleansUpSpaces ? SpaceCleaner.Clean(raw) : raw;
    }

    /// <summary>
    /// Runs <c>ids[start..start+count]</c> through the decoder chain without the final space clean-up, which the
    /// streaming detokenizer applies itself because it looks across token boundaries.
    /// </summary>
    internal string DecodeRaw(IReadOnlyList<int> ids, int start, int count, bool skipSpecialTokens)
    {
        var tokens = new List<string>(count);
        for (var i = start; i < start + count; i++)
        {
            var token = _vocabulary.IdToToken(ids[i]) ?? _unknownToken ?? string.Empty;
            if (skipSpecialTokens && _vocabulary.IsSpecialToken(token))
            {
                continue;
            }

            tokens.Add(token);
        }

        if (_decoder is null)
        {
            return string.Join(' ', tokens);
        }

        _decoder.Apply(tokens);
        return string.Concat(tokens);
    }
}
