using Platform.Inference.Synthetic.Config;
using Platform.Inference.Synthetic.Llama;
using Platform.Inference.Synthetic.Onnx;
using Platform.Inference.Synthetic.Tokenizer;

namespace Platform.Inference.Synthetic;

/// <summary>Writes a synthetic model folder in the ONNX Runtime GenAI layout.</summary>
/// <remarks>
/// The decoder's contract, for whoever drives it:
/// <list type="bullet">
/// <item><c>input_ids</c>, <c>position_ids</c> int64 [batch, seq]; <c>attention_mask</c> int64 [batch, past + seq], its length
/// is how the graph learns the past length. Pasts are [batch, kv_heads, past, head_size] (past may be 0), in float16 for a
/// float16 spec; presents are new tensors of length past + seq (no shared buffer).</item>
/// <item>Query i sits at column past + i of the mask and sees key column j when j &lt;= past + i and mask[b, j] is 1, so
/// masked columns (left padding, or any hole) are ignored wherever they are; rotary positions come only from
/// <c>position_ids</c>, which must lie in [0, ContextLength) even for padding.</item>
/// </list>
/// </remarks>
public static class SyntheticModelWriter
{
    public const string ModelFileName = "model.onnx";

    /// <summary>
    /// Writes model.onnx (plus model.onnx.data when the weights would pass ~1.8 GB), tokenizer.json,
    /// tokenizer_config.json and genai_config.json into <paramref name="directory"/>, creating it if needed.
    /// </summary>
    public static void Write(string directory, SyntheticModelSpec spec)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        Directory.CreateDirectory(directory);
        OnnxModelFile.Write(Path.Combine(directory, ModelFileName), LlamaGraph.Build(spec), LlamaGraph.OpsetVersion);

        var vocabulary = SyntheticVocabulary.Create(spec.VocabSize);
        TokenizerJsonWriter.Write(directory, vocabulary);
        TokenizerConfigWriter.Write(directory, vocabulary, spec.ContextLength);
        GenAiConfigWriter.Write(directory, spec, vocabulary, ModelFileName);
    }
}
