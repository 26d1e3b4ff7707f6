using System.Buffers.Binary;
using System.Globalization;

namespace Platform.Inference.Synthetic.Onnx;

/// <summary>
/// Collects the inputs, initializers, nodes and outputs of one graph. A node's output value is named after
/// the node, so names read like a path through the model; a value must exist before a node consumes it,
/// which keeps the node list topologically sorted as ONNX requires.
/// </summary>
internal sealed class OnnxGraphBuilder(string name)
{
    private readonly List<OnnxNode> _nodes = [];
    private readonly List<OnnxValueInfo> _inputs = [];
    private readonly List<OnnxValueInfo> _outputs = [];
    private readonly List<OnnxInitializer> _initializers = [];
    private readonly HashSet<string> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _constants = new(StringComparer.Ordinal);

    public string Input(string valueName, OnnxDataType type, params OnnxDim[] shape)
    {
        Define(valueName);
        _inputs.Add(new OnnxValueInfo(valueName, type, shape));
        return valueName;
    }

    /// <summary>Declares an existing value (usually a node named after the output) as a graph output.</summary>
    public void Output(string valueName, OnnxDataType type, params OnnxDim[] shape)
    {
        RequireDefined(valueName);
        _outputs.Add(new OnnxValueInfo(valueName, type, shape));
    }

    public string Initializer(string valueName, OnnxDataType type, IReadOnlyList<long> dims, TensorPayload payload)
    {
        var initializer = new OnnxInitializer(valueName, type, dims, payload);
        Define(valueName);
        _initializers.Add(initializer);
        return valueName;
    }

    public string Node(string opType, string nodeName, IReadOnlyList<string> inputs, params OnnxAttribute[] attributes) =>
        Node(opType, nodeName, inputs, 1, attributes)[0];

    /// <summary>A node with several outputs, named <c>nodeName:0</c>, <c>nodeName:1</c>, ...</summary>
    public IReadOnlyList<string> Node(string opType, string nodeName, IReadOnlyList<string> inputs, int outputCount, params OnnxAttribute[] attributes)
    {
        foreach (var input in inputs)
        {
            RequireDefined(input);
        }

        var outputs = outputCount == 1
            ? [nodeName]
            : Enumerable.Range(0, outputCount).Select(i => $"{nodeName}:{i}").ToArray();
        foreach (var output in outputs)
        {
            Define(output);
        }

        _nodes.Add(new OnnxNode(nodeName, opType, inputs, outputs, attributes));
        return outputs;
    }

    /// <summary>A 1-D int64 constant (shapes, axes, split sizes), shared by every node that asks for the same values.</summary>
    public string Int64s(params long[] values) => Int64Constant([values.Length], values);

    public string Int64Scalar(long value) => Int64Constant([], [value]);

    public string FloatScalar(float value)
    {
        var key = "float:" + value.ToString("R", CultureInfo.InvariantCulture);
        if (!_constants.TryGetValue(key, out var valueName))
        {
            var bytes = new byte[sizeof(float)];
            BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
            valueName = Initializer($"const/f32/{_constants.Count}", OnnxDataType.Float, [], new BytesPayload(bytes));
            _constants.Add(key, valueName);
        }

        return valueName;
    }

    public OnnxGraph Build() => new(name, [.. _nodes], [.. _inputs], [.. _outputs], [.. _initializers]);

    private string Int64Constant(long[] dims, long[] values)
    {
        var key = $"i64:{dims.Length}:" + string.Join(',', values);
        if (!_constants.TryGetValue(key, out var valueName))
        {
            var bytes = new byte[values.Length * sizeof(long)];
            for (var i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * sizeof(long)), values[i]);
            }

            valueName = Initializer($"const/i64/{_constants.Count}", OnnxDataType.Int64, dims, new BytesPayload(bytes));
            _constants.Add(key, valueName);
        }

        return valueName;
    }

    private void Define(string valueName)
    {
        if (!_values.Add(valueName))
        {
            throw new InvalidOperationException($"The graph already has a value named '{valueName}'.");
        }
    }

    private void RequireDefined(string valueName)
    {
        if (!_values.Contains(valueName))
        {
            throw new InvalidOperationException($"'{valueName}' is used before it is defined.");
        }
    }
}
