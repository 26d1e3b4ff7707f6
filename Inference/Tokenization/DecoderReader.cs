namespace Platform.Inference.Tokenization;

/// <summary>Reads tokenizer.json's <c>decoder</c> into a chain of steps.</summary>
internal static class DecoderReader
{
    public static IDecoderStep? Read(JsonField? field, TokenVocabulary vocabulary)
    {
        if (field is not { } config)
        {
            return null;
        }

        var type = config.Required("type");
        return type.AsString() switch
        {
            "ByteLevel" => new ByteLevelDecoder(vocabulary),
            "ByteFallback" => new ByteFallbackDecoder(),
            "Fuse" => new FuseDecoder(),
            "Replace" => new ReplaceDecoder(PatternReader.ReadString(config.Required("pattern")), config.OptionalString("content") ?? string.Empty),
            "Strip" => new StripDecoder(
                config.OptionalString("content") ?? string.Empty,
                config.OptionalInt("start", 0),
                config.OptionalInt("stop", 0)),
            "Sequence" => new SequenceDecoder(
                config.Required("decoders").Items().Select(d => Read(d, vocabulary)).OfType<IDecoderStep>().ToList()),
            var other => throw type.Unsupported($"decoder type '{other}'"),
        };
    }
}
