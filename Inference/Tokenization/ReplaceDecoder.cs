namespace Platform.Inference.Tokenization;

/// <summary><c>Replace</c> decoder with a <c>String</c> pattern, applied to each token (e.g. "▁" back to " ").</summary>
internal sealed class ReplaceDecoder(string pattern, string content) : IDecoderStep
{
    public void Apply(List<string> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            tokens[i] = tokens[i].Replace(pattern, content, StringComparison.Ordinal);
        }
    }
}
