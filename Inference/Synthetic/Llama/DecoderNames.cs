using System.Globalization;

namespace Platform.Inference.Synthetic.Llama;

/// <summary>The decoder's input and output names (HF optimum / GenAI defaults), shared by the graph and genai_config.json.</summary>
internal static class DecoderNames
{
    public const string InputIds = "input_ids";
    public const string AttentionMask = "attention_mask";
    public const string PositionIds = "position_ids";
    public const string Logits = "logits";
    public const string PastKeyTemplate = "past_key_values.%d.key";
    public const string PastValueTemplate = "past_key_values.%d.value";
    public const string PresentKeyTemplate = "present.%d.key";
    public const string PresentValueTemplate = "present.%d.value";

    // Symbolic dimension names (dim_param) of the inputs and outputs.
    public const string Batch = "batch_size";
    public const string Sequence = "sequence_length";
    public const string PastSequence = "past_sequence_length";
    public const string TotalSequence = "total_sequence_length";

    public static string PastKey(int layer) => Format(PastKeyTemplate, layer);

    public static string PastValue(int layer) => Format(PastValueTemplate, layer);

    public static string PresentKey(int layer) => Format(PresentKeyTemplate, layer);

    public static string PresentValue(int layer) => Format(PresentValueTemplate, layer);

    private static string Format(string template, int layer) =>
        template.Replace("%d", layer.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
}
