using Platform.Inference.Synthetic;

namespace Platform.Api.Tests.Inference.Synthetic;

/// <summary>The decoder graph as ONNX Runtime will read it: names, element types, shapes, operators, weights.</summary>
public sealed class SyntheticGraphTests
{
    // TensorProto.DataType
    private const long Float = 1;
    private const long Int64 = 7;
    private const long Float16 = 10;

    [Theory]
    [InlineData(false, Float)]
    [InlineData(true, Float16)]
    public void Graph_Inputs_FollowGenAiNamesTypesAndSymbolicDims(bool float16, long kvType)
    {
        var spec = SyntheticModelSpec.Tiny(float16);
        var graph = WriteAndDecode(spec);

        var inputs = graph.Messages(11).ToDictionary(v => v.String(1));

        Assert.Equal(3 + (2 * spec.Layers), inputs.Count);
        AssertTensor(inputs["input_ids"], Int64, "batch_size", "sequence_length");
        AssertTensor(inputs["attention_mask"], Int64, "batch_size", "total_sequence_length");
        AssertTensor(inputs["position_ids"], Int64, "batch_size", "sequence_length");
        for (var layer = 0; layer < spec.Layers; layer++)
        {
            AssertTensor(inputs[$"past_key_values.{layer}.key"], kvType, "batch_size", $"{spec.KvHeads}", "past_sequence_length", $"{spec.HeadSize}");
            AssertTensor(inputs[$"past_key_values.{layer}.value"], kvType, "batch_size", $"{spec.KvHeads}", "past_sequence_length", $"{spec.HeadSize}");
        }
    }

    [Theory]
    [InlineData(false, Float)]
    [InlineData(true, Float16)]
    public void Graph_Outputs_AreLogitsThenPresentsInStorageType(bool float16, long storageType)
    {
        var spec = SyntheticModelSpec.Tiny(float16);
        var graph = WriteAndDecode(spec);

        var outputs = graph.Messages(12).ToList();

        Assert.Equal("logits", outputs[0].String(1));
        AssertTensor(outputs[0], storageType, "batch_size", "sequence_length", $"{spec.VocabSize}");
        Assert.Equal(
            Enumerable.Range(0, spec.Layers).SelectMany(l => new[] { $"present.{l}.key", $"present.{l}.value" }),
            outputs.Skip(1).Select(o => o.String(1)));
        AssertTensor(outputs[1], storageType, "batch_size", $"{spec.KvHeads}", "total_sequence_length", $"{spec.HeadSize}");
    }

    [Fact]
    public void Graph_Operators_AreStandardOpset17WithCpuKernels()
    {
        var model = new ProtoMessage(WriteModelBytes(SyntheticModelSpec.Tiny(float16: true)));
        string[] allowed =
        [
            "Add", "And", "Cast", "Concat", "Equal", "Gather", "LessOrEqual", "MatMul", "Mul", "Neg", "Or", "Range",
            "Reciprocal", "ReduceMean", "Reshape", "Shape", "Sigmoid", "Softmax", "Split", "Sqrt", "Squeeze", "Sub",
            "Transpose", "Unsqueeze", "Where",
        ];

        var opset = model.Message(8);
        Assert.Equal(string.Empty, opset.Has(1) ? opset.String(1) : string.Empty);
        Assert.Equal(17, opset.Int64(2));
        var nodes = model.Message(7).Messages(1).ToList();
        Assert.All(nodes, node => Assert.Contains(node.String(4), allowed));
        Assert.All(nodes, node => Assert.False(node.Has(7), "nodes use the default domain"));
    }

    [Theory]
    [InlineData(false, Float, 4)]
    [InlineData(true, Float16, 2)]
    public void Graph_WeightInitializers_AddUpToParameterCount(bool float16, long storageType, int bytesPerWeight)
    {
        var spec = SyntheticModelSpec.TinyDefault with { Float16 = float16 };
        var weights = WriteAndDecode(spec).Messages(5)
            .Where(t => t.String(8).EndsWith(".weight", StringComparison.Ordinal))
            .ToList();

        Assert.All(weights, w => Assert.Equal(storageType, w.Int64(2)));
        Assert.Equal(spec.ParameterCount, weights.Sum(w => w.Int64s(1).Aggregate(1L, (a, b) => a * b)));
        Assert.Equal(spec.ParameterCount * bytesPerWeight, weights.Sum(w => (long)w.Bytes(9).Length));
    }

    [Fact]
    public void Graph_NormWeightsAreOnesAndProjectionsAreSmallAndVaried()
    {
        var initializers = WriteAndDecode(SyntheticModelSpec.Tiny()).Messages(5).ToDictionary(t => t.String(8));

        var norm = Floats(initializers["model.norm.weight"]);
        Assert.All(norm, value => Assert.Equal(1f, value));
        var projection = Floats(initializers["model.layers.0.self_attn.q_proj.weight"]);
        Assert.All(projection, value => Assert.InRange(value, -0.035f, 0.035f));
        Assert.True(projection.Distinct().Count() > projection.Length * 9 / 10);
        var mean = projection.Average();
        var std = Math.Sqrt(projection.Average(v => (v - mean) * (v - mean)));
        Assert.InRange(std, 0.015, 0.025);
    }

    private static float[] Floats(ProtoMessage tensor)
    {
        var bytes = tensor.Bytes(9);
        return Enumerable.Range(0, bytes.Length / 4).Select(i => BitConverter.ToSingle(bytes.Span.Slice(i * 4, 4))).ToArray();
    }

    private static void AssertTensor(ProtoMessage valueInfo, long elementType, params string[] dims)
    {
        var tensor = valueInfo.Message(2).Message(1);
        Assert.Equal(elementType, tensor.Int64(1));
        var actual = tensor.Message(2).Messages(1).Select(d => d.Has(2) ? d.String(2) : d.Int64(1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(dims, actual);
    }

    private static ProtoMessage WriteAndDecode(SyntheticModelSpec spec) => new ProtoMessage(WriteModelBytes(spec)).Message(7);

    private static byte[] WriteModelBytes(SyntheticModelSpec spec)
    {
        using var temp = new TempDirectory();
        SyntheticModelWriter.Write(temp.Path, spec);
        return File.ReadAllBytes(temp.Combine(SyntheticModelWriter.ModelFileName));
    }
}
