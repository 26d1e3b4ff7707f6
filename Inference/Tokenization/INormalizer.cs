namespace Platform.Inference.Tokenization;

/// <summary>Rewrites a text section before pre-tokenization (and added tokens marked <c>normalized</c>).</summary>
internal interface INormalizer
{
    string Normalize(string text);
}
