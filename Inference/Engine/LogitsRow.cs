using Platform.Inference.Ort;

namespace Platform.Inference.Engine;

/// <summary>One position's logits inside a step's output tensor, read in place (fp32 or fp16); disposing frees the output.</summary>
internal readonly struct LogitsRow(OrtTensor tensor, int offset, int length) : IDisposable
{
    public int Length => length;

    public int ArgMax() => tensor.ElementType == TensorElementType.Float16
        ? LogitsMath.ArgMax(tensor.AsSpan<Half>().Slice(offset, length))
        : LogitsMath.ArgMax(tensor.AsSpan<float>().Slice(offset, length));

    public void CopyTo(Span<float> destination)
    {
        if (tensor.ElementType == TensorElementType.Float16)
        {
            LogitsMath.ToSingle(tensor.AsSpan<Half>().Slice(offset, length), destination);
        }
        else
        {
            tensor.AsSpan<float>().Slice(offset, length).CopyTo(destination);
        }
    }

    public void Dispose() => tensor.Dispose();
}
