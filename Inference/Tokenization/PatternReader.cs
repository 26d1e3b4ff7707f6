namespace Platform.Inference.Tokenization;

/// <summary>Reads a Replace pattern; only literal <c>String</c> patterns are supported.</summary>
internal static class PatternReader
{
    public static string ReadString(JsonField pattern)
    {
        if (pattern.Optional("String") is { } literal)
        {
            var text = literal.AsString();
            return text.Length > 0 ? text : throw literal.Error("must not be empty");
        }

        throw pattern.Optional("Regex") is { } regex
            ? regex.Unsupported("pattern kind 'Regex' (only String patterns are supported)")
            : pattern.Error("must have a 'String' pattern");
    }
}
