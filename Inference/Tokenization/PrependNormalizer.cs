namespace Platform.Inference.Tokenization;

/// <summary><c>Prepend</c>: SentencePiece-style models put "▁" in front of every section.</summary>
internal sealed class PrependNormalizer(string prefix) : INormalizer
{
    public string Normalize(string text) => string.Concat(prefix, text);
}
