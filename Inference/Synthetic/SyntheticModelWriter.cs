using Platform.Inference.Synthetic.Config;
using Platform.Inference.Synthetic.Llama;
using Platform.Inference.Synthetic.Onnx;
using Platform.Inference.Synthetic.Tokenizer;

namespace Platform.Inference.Synthetic;

/// <summary>Writes a synthetic model folder in the ONNX Runtime GenAI layout.</summary>
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
