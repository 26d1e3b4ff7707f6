using System.Buffers.Binary;
using System.Text.Json;
using Platform.Inference.Synthetic.Onnx;
using Platform.Inference.Synthetic.Tokenizer;
using Platform.Inference.Tokenization;

namespace Platform.Inference.Synthetic.Classifier;

/// <summary>
/// Writes a small ONNX text classifier in the Hugging Face sequence-classification layout (<c>model.onnx</c> with
/// <c>input_ids</c> and <c>attention_mask</c> in, <c>logits</c> [batch, labels] out; <c>tokenizer.json</c>;
/// <c>config.json</c> with <c>id2label</c>), for tests of classifier loading. Each label's trigger words are whole
/// tokens of its byte-level BPE vocabulary; a text's logit for a label is 8 x (trigger tokens in it) - 4, so one
/// trigger gives a sigmoid of 0.98 and none 0.018.
/// </summary>
public static class SyntheticClassifierWriter
{
    public const string ModelFileName = "model.onnx";
    public const string ConfigFileName = "config.json";
    private const int OpsetVersion = 17;
    private const int TrainedVocabulary = 384;

    public static void Write(string directory, IReadOnlyList<(string Label, IReadOnlyList<string> Triggers)> labels)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(labels);
        Directory.CreateDirectory(directory);
        var vocabulary = SyntheticVocabulary.Create(TrainedVocabulary, [.. labels.SelectMany(l => l.Triggers)]);
        TokenizerJsonWriter.Write(directory, vocabulary);
        var tokenizer = TokenizerLoader.Load(directory);

        var size = vocabulary.Tokens.Count;
        var weights = new float[size * labels.Count];
        for (var label = 0; label < labels.Count; label++)
        {
            foreach (var trigger in labels[label].Triggers)
            {
                foreach (var form in new[] { trigger, " " + trigger })
                {
                    var ids = tokenizer.Encode(form, addSpecialTokens: false);
                    if (ids.Count != 1)
                    {
                        throw new InvalidOperationException($"The trigger '{form}' is {ids.Count} tokens, not one.");
                    }

                    weights[(ids[0] * labels.Count) + label] = 1;
                }
            }
        }

        OnnxModelFile.Write(Path.Combine(directory, ModelFileName), BuildGraph(size, labels.Count, weights), OpsetVersion);
        WriteConfig(directory, labels);
    }

    private static OnnxGraph BuildGraph(int vocabularySize, int labelCount, float[] weights)
    {
        var graph = new OnnxGraphBuilder("synthetic-classifier");
        var ids = graph.Input("input_ids", OnnxDataType.Int64, "batch", "sequence");
        var mask = graph.Input("attention_mask", OnnxDataType.Int64, "batch", "sequence");
        var embedding = graph.Initializer("classifier.embedding", OnnxDataType.Float, [vocabularySize, labelCount], new BytesPayload(Floats(weights)));
        var bias = graph.Initializer("classifier.bias", OnnxDataType.Float, [labelCount], new BytesPayload(Floats([.. Enumerable.Repeat(-4f, labelCount)])));
        var gathered = graph.Node("Gather", "/classifier/gather", [embedding, ids], OnnxAttribute.Int("axis", 0));
        var keep = graph.Node("Cast", "/classifier/keep", [mask], OnnxAttribute.Int("to", (long)OnnxDataType.Float));
        var keep3d = graph.Node("Unsqueeze", "/classifier/keep_3d", [keep, graph.Int64s(2)]);
        var masked = graph.Node("Mul", "/classifier/masked", [gathered, keep3d]);
        var counts = graph.Node("ReduceSum", "/classifier/counts", [masked, graph.Int64s(1)], OnnxAttribute.Int("keepdims", 0));
        var scaled = graph.Node("Mul", "/classifier/scaled", [counts, graph.FloatScalar(8)]);
        graph.Node("Add", "logits", [scaled, bias]);
        graph.Output("logits", OnnxDataType.Float, "batch", labelCount);
        return graph.Build();
    }

    private static byte[] Floats(float[] values)
    {
        var bytes = new byte[values.Length * sizeof(float)];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        }

        return bytes;
    }

    private static void WriteConfig(string directory, IReadOnlyList<(string Label, IReadOnlyList<string> Triggers)> labels)
    {
        using var file = File.Create(Path.Combine(directory, ConfigFileName));
        using var json = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("model_type", "synthetic-classifier");
        json.WriteString("problem_type", "multi_label_classification");
        json.WriteStartObject("id2label");
        for (var i = 0; i < labels.Count; i++)
        {
            json.WriteString(i.ToString(System.Globalization.CultureInfo.InvariantCulture), labels[i].Label);
        }

        json.WriteEndObject();
        json.WriteStartObject("label2id");
        for (var i = 0; i < labels.Count; i++)
        {
            json.WriteNumber(labels[i].Label, i);
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }
}
