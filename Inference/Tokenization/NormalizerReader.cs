namespace Platform.Inference.Tokenization;

/// <summary>Reads tokenizer.json's <c>normalizer</c>. Unicode forms and case folding need ICU data this build runs without, so they are refused.</summary>
internal static class NormalizerReader
{
    public static INormalizer? Read(JsonField? field)
    {
        if (field is not { } config)
        {
            return null;
        }

        var type = config.Required("type");
        return type.AsString() switch
        {
            "Sequence" => new SequenceNormalizer(
                config.Required("normalizers").Items().Select(n => Read(n)).OfType<INormalizer>().ToList()),
            "Prepend" => new PrependNormalizer(config.Required("prepend").AsString()),
            "Replace" => new ReplaceNormalizer(PatternReader.ReadString(config.Required("pattern")), config.OptionalString("content") ?? string.Empty),
            "Strip" => new StripNormalizer(config.OptionalBool("strip_left", false), config.OptionalBool("strip_right", false)),
            var other => throw type.Unsupported($"normalizer type '{other}'"),
        };
    }
}
