namespace Platform.Inference.Tokenization;

/// <summary><c>Replace</c> with a <c>String</c> pattern: every occurrence, left to right, without overlaps.</summary>
internal sealed class ReplaceNormalizer(string pattern, string content) : INormalizer
{
    public string Normalize(string text) => text.Replace(pattern, content, StringComparison.Ordinal);
}
