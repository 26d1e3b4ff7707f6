namespace Platform.Inference.Models;

/// <summary>What we read from a model folder's <c>genai_config.json</c>.</summary>
public sealed record ModelConfig
{
    public required string Name { get; init; }

    public required string Directory { get; init; }

    public required string ModelType { get; init; }

    public required string DecoderPath { get; init; }

    public required int VocabularySize { get; init; }

    public required int ContextLength { get; init; }

    public required IReadOnlyList<int> EosTokenIds { get; init; }

    public int? BosTokenId { get; init; }

    public int? PadTokenId { get; init; }

    public required int LayerCount { get; init; }

    public required KvLayout KvLayout { get; init; }

    public required DecoderNames Names { get; init; }

    public required DecoderSessionOptions SessionOptions { get; init; }
}

/// <summary>Input and output names of the decoder graph, with <c>%d</c> standing for the layer index.</summary>
public sealed record DecoderNames
{
    public string InputIds { get; init; } = "input_ids";

    public string AttentionMask { get; init; } = "attention_mask";

    public string PositionIds { get; init; } = "position_ids";

    public string PastKey { get; init; } = "past_key_values.%d.key";

    public string PastValue { get; init; } = "past_key_values.%d.value";

    public string? PastCombined { get; init; }

    public string Logits { get; init; } = "logits";

    public string PresentKey { get; init; } = "present.%d.key";

    public string PresentValue { get; init; } = "present.%d.value";

    public string? PresentCombined { get; init; }

    public static string ForLayer(string template, int layer) =>
        template.Replace("%d", layer.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
}

/// <summary>The model's own <c>session_options</c>: thread counts, config entries and per-provider options.</summary>
public sealed record DecoderSessionOptions
{
    public int? IntraOpThreads { get; init; }

    public int? InterOpThreads { get; init; }

    public IReadOnlyDictionary<string, string> ConfigEntries { get; init; } = new Dictionary<string, string>();

    /// <summary>Provider name (lower case, e.g. "cuda") to its options, in the order the model lists them.</summary>
    public IReadOnlyList<KeyValuePair<string, IReadOnlyDictionary<string, string>>> ProviderOptions { get; init; } = [];
}
