namespace Platform.Inference.Synthetic.Onnx;

/// <summary>One dimension of a graph input or output: a fixed size or a symbolic name (dim_param).</summary>
internal readonly record struct OnnxDim(long Value, string? Param)
{
    public static OnnxDim Fixed(long value) => new(value, null);

    public static OnnxDim Symbolic(string name) => new(0, name);

    public static implicit operator OnnxDim(long value) => Fixed(value);

    public static implicit operator OnnxDim(string name) => Symbolic(name);
}
