using Platform.Inference.Synthetic.Onnx;
using Platform.Inference.Synthetic.Weights;

namespace Platform.Inference.Synthetic.Llama;

/// <summary>Weights, RMSNorm, the SwiGLU MLP and float16/float32 casts.</summary>
internal sealed partial class LlamaGraph
{
    private const float RmsEpsilon = 1e-5f;

    // Uniform in [-a, a) has standard deviation a / sqrt(3): this gives the customary 0.02.
    private const float WeightLimit = 0.02f * 1.7320508f;

    /// <summary>
    /// A random matrix stored as [in, out] so that MatMul needs no transpose (HF stores [out, in]).
    /// In a float16 model it is cast to float32 once; ONNX Runtime folds that cast at load time.
    /// </summary>
    private string Weight(string name, long rows, long columns, bool castToFloat = true)
    {
        var payload = new UniformPayload(rows * columns, _spec.Float16, SplitMix64.ForTensor(_spec.Seed, name), WeightLimit);
        var weight = _graph.Initializer(name, _storageType, [rows, columns], payload);
        return castToFloat ? ToFloat(weight) : weight;
    }

    private string ToFloat(string value) =>
        _spec.Float16 ? _graph.Node("Cast", $"{value}/to_float", [value], OnnxAttribute.Int("to", (long)OnnxDataType.Float)) : value;

    private string ToStorage(string value) =>
        _spec.Float16 ? _graph.Node("Cast", $"{value}/to_half", [value], OnnxAttribute.Int("to", (long)OnnxDataType.Float16)) : value;

    /// <summary>x / sqrt(mean(x^2) + eps) * weight over the hidden axis, with the weight initialised to ones.</summary>
    private string RmsNorm(string name, string x)
    {
        var weight = ToFloat(_graph.Initializer($"{name}.weight", _storageType, [_spec.HiddenSize], new ConstantPayload(_spec.HiddenSize, _spec.Float16, 1f)));
        var path = "/" + name;
        var squared = _graph.Node("Mul", $"{path}/square", [x, x]);
        var mean = _graph.Node("ReduceMean", $"{path}/mean", [squared], OnnxAttribute.IntList("axes", -1), OnnxAttribute.Int("keepdims", 1));
        var variance = _graph.Node("Add", $"{path}/add_eps", [mean, _graph.FloatScalar(RmsEpsilon)]);
        var rms = _graph.Node("Sqrt", $"{path}/sqrt", [variance]);
        var inverse = _graph.Node("Reciprocal", $"{path}/reciprocal", [rms]);
        var normalized = _graph.Node("Mul", $"{path}/normalize", [x, inverse]);
        return _graph.Node("Mul", $"{path}/scale", [normalized, weight]);
    }

    /// <summary>down(silu(gate(x)) * up(x)) with silu(g) = g * sigmoid(g).</summary>
    private string Mlp(string prefix, string x)
    {
        var path = $"/{prefix}/mlp";
        var gate = _graph.Node("MatMul", $"{path}/gate_proj", [x, Weight($"{prefix}.mlp.gate_proj.weight", _spec.HiddenSize, _spec.IntermediateSize)]);
        var up = _graph.Node("MatMul", $"{path}/up_proj", [x, Weight($"{prefix}.mlp.up_proj.weight", _spec.HiddenSize, _spec.IntermediateSize)]);
        var sigmoid = _graph.Node("Sigmoid", $"{path}/sigmoid", [gate]);
        var silu = _graph.Node("Mul", $"{path}/silu", [gate, sigmoid]);
        var product = _graph.Node("Mul", $"{path}/gate_times_up", [silu, up]);
        return _graph.Node("MatMul", $"{path}/down_proj", [product, Weight($"{prefix}.mlp.down_proj.weight", _spec.IntermediateSize, _spec.HiddenSize)]);
    }
}
