namespace Platform.Inference.Tokenization;

/// <summary>Reads tokenizer.json's <c>post_processor</c>; the ByteLevel post-processor changes no ids and is dropped.</summary>
internal static class PostProcessorReader
{
    public static TemplatePostProcessor? Read(JsonField? field, TokenVocabulary vocabulary)
    {
        var templates = new List<IReadOnlyList<int?>>();
        if (field is { } config)
        {
            Collect(config, vocabulary, templates);
        }

        return templates.Count == 0 ? null : new TemplatePostProcessor(templates);
    }

    private static void Collect(JsonField config, TokenVocabulary vocabulary, List<IReadOnlyList<int?>> templates)
    {
        var type = config.Required("type");
        switch (type.AsString())
        {
            case "ByteLevel":
                break;
            case "TemplateProcessing":
                templates.Add(ReadTemplate(config.Required("single"), vocabulary));
                break;
            case "Sequence":
                foreach (var processor in config.Required("processors").Items())
                {
                    Collect(processor, vocabulary, templates);
                }

                break;
            case var other:
                throw type.Unsupported($"post-processor type '{other}'");
        }
    }

    private static List<int?> ReadTemplate(JsonField single, TokenVocabulary vocabulary)
    {
        var items = new List<int?>();
        foreach (var item in single.Items())
        {
            if (item.Optional("SpecialToken") is { } special)
            {
                var token = special.Required("id");
                items.Add(vocabulary.TryGetEncodedId(token.AsString(), out var id)
                    ? id
                    : throw token.Error($"names '{token.AsString()}', which is not a known token"));
            }
            else if (item.Optional("Sequence") is { } sequence)
            {
                var id = sequence.Required("id");
                items.Add(id.AsString() == "A" ? null : throw id.Unsupported("sequence in a single template (only A)"));
            }
            else
            {
                throw item.Error("must be a SpecialToken or a Sequence");
            }
        }

        return items;
    }
}
