using System.Text.Json;

namespace Platform.Inference.Tokenization;

/// <summary>Reads tokenizer.json into the components of a <see cref="Tokenizer"/>.</summary>
internal static class TokenizerJsonReader
{
    public static TokenizerParts Read(JsonField root, TokenizerOptions options)
    {
        var addedTokens = ReadAddedTokens(root.Optional("added_tokens"));
        var normalizer = NormalizerReader.Read(root.Optional("normalizer"));
        var model = root.Required("model");
        CheckModelType(model);

        var modelVocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (token, id) in model.Required("vocab").Properties())
        {
            modelVocabulary[token] = id.AsInt();
        }

        if (model.OptionalString("end_of_word_suffix") is { Length: > 0 })
        {
            throw model.Required("end_of_word_suffix").Unsupported("value (only an empty suffix is supported)");
        }

        var vocabulary = new TokenVocabulary(modelVocabulary, addedTokens, normalizer, options.AdditionalSpecialTokens);
        var merges = ReadMerges(model.Required("merges"), vocabulary);
        var unknownToken = model.OptionalString("unk_token");
        var bpe = new BpeModel(
            vocabulary,
            merges,
            unknownToken,
            model.OptionalBool("byte_fallback", false),
            model.OptionalBool("ignore_merges", false));

        return new TokenizerParts
        {
            Vocabulary = vocabulary,
            Model = bpe,
            AddedTokens = addedTokens,
            Normalizer = normalizer,
            PreTokenizer = PreTokenizerReader.Read(root.Optional("pre_tokenizer")),
            PostProcessor = PostProcessorReader.Read(root.Optional("post_processor"), vocabulary),
            Decoder = DecoderReader.Read(root.Optional("decoder"), vocabulary),
            Options = options,
            UnknownToken = unknownToken,
            UnknownId = unknownToken is not null && modelVocabulary.TryGetValue(unknownToken, out var unknownId) ? unknownId : null,
            FuseUnknown = model.OptionalBool("fuse_unk", false),
        };
    }

    private static void CheckModelType(JsonField model)
    {
        var type = model.OptionalString("type");
        if (type is null && model.Optional("merges") is not null)
        {
            // Older files omit the type; the reference recognizes BPE by its merges.
            return;
        }

        if (type != "BPE")
        {
            throw model.Optional("type") is { } field
                ? field.Unsupported($"model type '{type}' (only BPE is supported)")
                : model.Error("has no 'type' and no 'merges' (only BPE is supported)");
        }
    }

    private static List<AddedToken> ReadAddedTokens(JsonField? list)
    {
        var tokens = new List<AddedToken>();
        if (list is null)
        {
            return tokens;
        }

        foreach (var item in list.Value.Items())
        {
            var special = item.OptionalBool("special", false);
            tokens.Add(new AddedToken(
                item.Required("id").AsInt(),
                item.Required("content").AsString(),
                special,
                item.OptionalBool("normalized", !special),
                item.OptionalBool("lstrip", false),
                item.OptionalBool("rstrip", false)));
        }

        return tokens;
    }

    private static List<(string Left, string Right)> ReadMerges(JsonField list, TokenVocabulary vocabulary)
    {
        var merges = new List<(string, string)>();
        foreach (var item in list.Items())
        {
            var (left, right) = item.Kind == JsonValueKind.Array ? ReadPair(item) : SplitMerge(item);
            foreach (var part in new[] { left, right, left + right })
            {
                if (!vocabulary.Contains(part))
                {
                    throw item.Error($"refers to '{part}', which is not in model.vocab");
                }
            }

            merges.Add((left, right));
        }

        return merges;
    }

    private static (string, string) ReadPair(JsonField item)
    {
        var parts = item.Items().ToList();
        return parts.Count == 2 ? (parts[0].AsString(), parts[1].AsString()) : throw item.Error("must hold two strings");
    }

    private static (string, string) SplitMerge(JsonField item)
    {
        var parts = item.AsString().Split(' ');
        return parts.Length == 2 ? (parts[0], parts[1]) : throw item.Error("must be two tokens separated by one space");
    }
}
