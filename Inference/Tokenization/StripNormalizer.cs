namespace Platform.Inference.Tokenization;

/// <summary><c>Strip</c>: trims whitespace (JavaScript's definition) from either end.</summary>
internal sealed class StripNormalizer(bool left, bool right) : INormalizer
{
    public string Normalize(string text)
    {
        var span = text.AsSpan();
        if (right)
        {
            span = span[..JsText.LengthWithoutTrailingWhiteSpace(span)];
        }

        if (left)
        {
            span = span[JsText.SkipWhiteSpace(span)..];
        }

        return span.Length == text.Length ? text : span.ToString();
    }
}
