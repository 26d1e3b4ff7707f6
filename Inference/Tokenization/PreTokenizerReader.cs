namespace Platform.Inference.Tokenization;

/// <summary>Reads tokenizer.json's <c>pre_tokenizer</c>.</summary>
internal static class PreTokenizerReader
{
    public static IPreTokenizer? Read(JsonField? field)
    {
        if (field is not { } config)
        {
            return null;
        }

        var type = config.Required("type");
        return type.AsString() switch
        {
            "ByteLevel" => new ByteLevelPreTokenizer(
                config.OptionalBool("add_prefix_space", false),
                config.OptionalBool("use_regex", true)),
            var other => throw type.Unsupported($"pre-tokenizer type '{other}'"),
        };
    }
}
