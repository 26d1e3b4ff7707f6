using System.Text.Json;

namespace Platform.Inference.Models;

/// <summary>Reads <c>genai_config.json</c> (ONNX Runtime GenAI's schema) into a <see cref="ModelConfig"/>.</summary>
public static class GenAiConfigReader
{
    public const string FileName = "genai_config.json";

    private static readonly HashSet<string> NonEntrySessionKeys = new(StringComparer.Ordinal)
    {
        "log_id", "intra_op_num_threads", "inter_op_num_threads", "provider_options", "enable_cpu_mem_arena",
        "enable_mem_pattern", "graph_optimization_level", "custom_ops_library", "log_severity_level", "enable_profiling",
    };

    public static ModelConfig Read(string modelDirectory, string? name = null)
    {
        name ??= Path.GetFileName(Path.TrimEndingDirectorySeparator(modelDirectory));
        var path = Path.Combine(modelDirectory, FileName);
        if (!File.Exists(path))
        {
            throw new ModelLoadException(name, FileName, null, "file not found");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new ModelLoadException(name, FileName, null, $"invalid JSON ({ex.Message})", ex);
        }

        using (document)
        {
            return new Parser(name, modelDirectory).Parse(document.RootElement);
        }
    }

    private sealed class Parser(string name, string directory)
    {
        public ModelConfig Parse(JsonElement root)
        {
            var model = Object(root, "model");
            var decoder = Object(model, "model.decoder", "decoder");
            var fileName = String(decoder, "model.decoder.filename", "filename");
            var decoderPath = Path.Combine(directory, fileName);
            if (!File.Exists(decoderPath))
            {
                throw Fail("model.decoder.filename", $"the decoder file '{fileName}' does not exist");
            }

            var contextLength = Int(model, "model.context_length", "context_length");
            if (contextLength <= 0)
            {
                throw Fail("model.context_length", "must be greater than 0");
            }

            var vocabularySize = Int(model, "model.vocab_size", "vocab_size");
            if (vocabularySize <= 0)
            {
                throw Fail("model.vocab_size", "must be greater than 0");
            }

            var layers = Int(decoder, "model.decoder.num_hidden_layers", "num_hidden_layers");
            if (layers <= 0)
            {
                throw Fail("model.decoder.num_hidden_layers", "must be greater than 0");
            }

            var pad = OptionalInt(model, "model.pad_token_id", "pad_token_id");
            var eos = TokenIds(model, "eos_token_id") ?? (pad is { } p ? [p] : throw Fail("model.eos_token_id", "is missing and there is no pad_token_id"));
            var names = Names(decoder);
            return new ModelConfig
            {
                Name = name,
                Directory = directory,
                ModelType = OptionalString(model, "model.type", "type") ?? "decoder",
                DecoderPath = decoderPath,
                VocabularySize = vocabularySize,
                ContextLength = contextLength,
                EosTokenIds = eos,
                BosTokenId = OptionalInt(model, "model.bos_token_id", "bos_token_id"),
                PadTokenId = pad,
                LayerCount = layers,
                KvLayout = names.PastCombined is null ? KvLayout.SeparateKeyValue : KvLayout.Combined,
                Names = names,
                SessionOptions = SessionOptions(decoder),
            };
        }

        private DecoderNames Names(JsonElement decoder)
        {
            var defaults = new DecoderNames();
            var inputs = OptionalObject(decoder, "model.decoder.inputs", "inputs");
            var outputs = OptionalObject(decoder, "model.decoder.outputs", "outputs");
            string In(string key, string fallback) => inputs is { } i ? OptionalString(i, $"model.decoder.inputs.{key}", key) ?? fallback : fallback;
            string Out(string key, string fallback) => outputs is { } o ? OptionalString(o, $"model.decoder.outputs.{key}", key) ?? fallback : fallback;
            string? InOpt(string key) => inputs is { } i ? OptionalString(i, $"model.decoder.inputs.{key}", key) : null;
            string? OutOpt(string key) => outputs is { } o ? OptionalString(o, $"model.decoder.outputs.{key}", key) : null;

            var pastCombined = InOpt("past_names");
            var presentCombined = OutOpt("present_names");
            if ((pastCombined is null) != (presentCombined is null))
            {
                throw Fail(pastCombined is null ? "model.decoder.inputs.past_names" : "model.decoder.outputs.present_names",
                    "past_names and present_names must be given together (combined key/value layout)");
            }

            return new DecoderNames
            {
                InputIds = In("input_ids", defaults.InputIds),
                AttentionMask = In("attention_mask", defaults.AttentionMask),
                PositionIds = In("position_ids", defaults.PositionIds),
                PastKey = In("past_key_names", defaults.PastKey),
                PastValue = In("past_value_names", defaults.PastValue),
                PastCombined = pastCombined,
                Logits = Out("logits", defaults.Logits),
                PresentKey = Out("present_key_names", defaults.PresentKey),
                PresentValue = Out("present_value_names", defaults.PresentValue),
                PresentCombined = presentCombined,
            };
        }

        private DecoderSessionOptions SessionOptions(JsonElement decoder)
        {
            if (OptionalObject(decoder, "model.decoder.session_options", "session_options") is not { } options)
            {
                return new DecoderSessionOptions();
            }

            var entries = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in options.EnumerateObject())
            {
                if (!NonEntrySessionKeys.Contains(property.Name) && property.Value.ValueKind == JsonValueKind.String)
                {
                    entries[property.Name] = property.Value.GetString()!;
                }
            }

            return new DecoderSessionOptions
            {
                IntraOpThreads = OptionalInt(options, "model.decoder.session_options.intra_op_num_threads", "intra_op_num_threads"),
                InterOpThreads = OptionalInt(options, "model.decoder.session_options.inter_op_num_threads", "inter_op_num_threads"),
                ConfigEntries = entries,
                ProviderOptions = ProviderOptions(options),
            };
        }

        private List<KeyValuePair<string, IReadOnlyDictionary<string, string>>> ProviderOptions(JsonElement options)
        {
            const string Field = "model.decoder.session_options.provider_options";
            var result = new List<KeyValuePair<string, IReadOnlyDictionary<string, string>>>();
            if (!options.TryGetProperty("provider_options", out var list) || list.ValueKind == JsonValueKind.Null)
            {
                return result;
            }

            if (list.ValueKind != JsonValueKind.Array)
            {
                throw Fail(Field, "must be an array of {\"provider\": {options}} objects");
            }

            foreach (var item in list.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object)
                {
                    throw Fail(Field, "must be an array of {\"provider\": {options}} objects");
                }

                foreach (var provider in item.EnumerateObject())
                {
                    var values = new Dictionary<string, string>(StringComparer.Ordinal);
                    if (provider.Value.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var option in provider.Value.EnumerateObject())
                        {
                            values[option.Name] = option.Value.ValueKind == JsonValueKind.String ? option.Value.GetString()! : option.Value.GetRawText();
                        }
                    }

                    result.Add(new(provider.Name.ToLowerInvariant(), values));
                }
            }

            return result;
        }

        private int[]? TokenIds(JsonElement model, string key)
        {
            if (!model.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            var field = $"model.{key}";
            return value.ValueKind switch
            {
                JsonValueKind.Number when value.TryGetInt32(out var single) => [single],
                JsonValueKind.Array => [.. value.EnumerateArray().Select(e => e.TryGetInt32(out var id) ? id : throw Fail(field, "must hold integers"))],
                _ => throw Fail(field, "must be an integer or an array of integers"),
            };
        }

        private JsonElement Object(JsonElement parent, string field, string? key = null) =>
            OptionalObject(parent, field, key ?? field) ?? throw Fail(field, "is missing");

        private JsonElement? OptionalObject(JsonElement parent, string field, string key)
        {
            if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            return value.ValueKind == JsonValueKind.Object ? value : throw Fail(field, "must be an object");
        }

        private string String(JsonElement parent, string field, string key) =>
            OptionalString(parent, field, key) ?? throw Fail(field, "is missing");

        private string? OptionalString(JsonElement parent, string field, string key)
        {
            if (!parent.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Fail(field, "must be a string");
        }

        private int Int(JsonElement parent, string field, string key) =>
            OptionalInt(parent, field, key) ?? throw Fail(field, "is missing");

        private int? OptionalInt(JsonElement parent, string field, string key)
        {
            if (!parent.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : throw Fail(field, "must be an integer");
        }

        private ModelLoadException Fail(string field, string problem) => new(name, FileName, field, problem);
    }
}
