using Platform.Inference.Ort;

namespace Platform.Inference.Models;

/// <summary>
/// A decoder's inputs and outputs as the session really has them: names from genai_config.json, checked against
/// the graph, with element types and KV dimensions read from the session.
/// </summary>
public sealed record DecoderSignature
{
    public required string InputIds { get; init; }

    public required TensorElementType IdsType { get; init; }

    public string? AttentionMask { get; init; }

    public TensorElementType MaskType { get; init; }

    public string? PositionIds { get; init; }

    public TensorElementType PositionType { get; init; }

    public required string Logits { get; init; }

    public required TensorElementType LogitsType { get; init; }

    /// <summary>Past inputs in layer order: key then value per layer, or one combined tensor per layer.</summary>
    public required IReadOnlyList<string> PastNames { get; init; }

    /// <summary>Present outputs matching <see cref="PastNames"/> one to one.</summary>
    public required IReadOnlyList<string> PresentNames { get; init; }

    public required TensorElementType KvType { get; init; }

    public required KvLayout KvLayout { get; init; }

    public required int KvHeads { get; init; }

    public required int HeadSize { get; init; }

    /// <summary>Rows the logits have: the model's real vocabulary, which may be smaller than the tokenizer's.</summary>
    public required int VocabularySize { get; init; }

    /// <summary>The shape of one past tensor for a batch of one with <paramref name="pastLength"/> positions.</summary>
    public long[] PastShape(int batch, int pastLength) => KvLayout == KvLayout.Combined
        ? [2, batch, KvHeads, pastLength, HeadSize]
        : [batch, KvHeads, pastLength, HeadSize];

    public static DecoderSignature Bind(ModelConfig config, OrtSession session)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(session);
        var inputs = session.Inputs.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var outputs = session.Outputs.ToDictionary(o => o.Name, StringComparer.Ordinal);
        var names = config.Names;
        ModelLoadException Fail(string field, string problem) => new(config.Name, GenAiConfigReader.FileName, field, problem);
        TensorInfo Input(string name, string field) => inputs.TryGetValue(name, out var info) ? info : throw Fail(field, $"the decoder has no input named '{name}' (its inputs: {string.Join(", ", inputs.Keys)})");
        TensorInfo Output(string name, string field) => outputs.TryGetValue(name, out var info) ? info : throw Fail(field, $"the decoder has no output named '{name}' (its outputs: {string.Join(", ", outputs.Keys)})");

        var ids = Input(names.InputIds, "model.decoder.inputs.input_ids");
        RequireIntegral(ids, "model.decoder.inputs.input_ids", Fail);
        inputs.TryGetValue(names.AttentionMask, out var mask);
        inputs.TryGetValue(names.PositionIds, out var positions);
        var logits = Output(names.Logits, "model.decoder.outputs.logits");
        RequireFloat(logits, "model.decoder.outputs.logits", Fail);

        var past = new List<string>();
        var present = new List<string>();
        for (var layer = 0; layer < config.LayerCount; layer++)
        {
            if (config.KvLayout == KvLayout.Combined)
            {
                past.Add(DecoderNames.ForLayer(names.PastCombined!, layer));
                present.Add(DecoderNames.ForLayer(names.PresentCombined!, layer));
            }
            else
            {
                past.Add(DecoderNames.ForLayer(names.PastKey, layer));
                past.Add(DecoderNames.ForLayer(names.PastValue, layer));
                present.Add(DecoderNames.ForLayer(names.PresentKey, layer));
                present.Add(DecoderNames.ForLayer(names.PresentValue, layer));
            }
        }

        var pastField = config.KvLayout == KvLayout.Combined ? "model.decoder.inputs.past_names" : "model.decoder.inputs.past_key_names";
        var presentField = config.KvLayout == KvLayout.Combined ? "model.decoder.outputs.present_names" : "model.decoder.outputs.present_key_names";
        var pastInfos = past.Select(n => Input(n, pastField)).ToList();
        foreach (var name in present)
        {
            Output(name, presentField);
        }

        var first = pastInfos[0];
        RequireFloat(first, pastField, Fail);
        var expectedRank = config.KvLayout == KvLayout.Combined ? 5 : 4;
        if (first.Shape.Count != expectedRank)
        {
            throw Fail(pastField, $"'{first.Name}' has rank {first.Shape.Count}, but the {config.KvLayout} layout needs rank {expectedRank}");
        }

        var heads = first.Shape[expectedRank - 3];
        var headSize = first.Shape[expectedRank - 1];
        if (heads <= 0 || headSize <= 0)
        {
            throw Fail(pastField, $"'{first.Name}' must have fixed head and head-size dimensions");
        }

        if (pastInfos.Any(p => p.ElementType != first.ElementType))
        {
            throw Fail(pastField, "all past tensors must share one element type");
        }

        var logitsVocab = logits.Shape.Count > 0 ? logits.Shape[^1] : -1;
        return new DecoderSignature
        {
            InputIds = ids.Name,
            IdsType = ids.ElementType,
            AttentionMask = mask?.Name,
            MaskType = mask?.ElementType ?? TensorElementType.Int64,
            PositionIds = positions?.Name,
            PositionType = positions?.ElementType ?? TensorElementType.Int64,
            Logits = logits.Name,
            LogitsType = logits.ElementType,
            PastNames = past,
            PresentNames = present,
            KvType = first.ElementType,
            KvLayout = config.KvLayout,
            KvHeads = (int)heads,
            HeadSize = (int)headSize,
            VocabularySize = logitsVocab > 0 ? (int)logitsVocab : config.VocabularySize,
        };
    }

    private static void RequireIntegral(TensorInfo info, string field, Func<string, string, ModelLoadException> fail)
    {
        if (info.ElementType is not (TensorElementType.Int32 or TensorElementType.Int64))
        {
            throw fail(field, $"'{info.Name}' is {info.ElementType}; int32 or int64 is required");
        }
    }

    private static void RequireFloat(TensorInfo info, string field, Func<string, string, ModelLoadException> fail)
    {
        if (info.ElementType is not (TensorElementType.Float or TensorElementType.Float16))
        {
            throw fail(field, $"'{info.Name}' is {info.ElementType}; float32 or float16 is required");
        }
    }
}
