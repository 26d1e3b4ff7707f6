namespace Platform.Inference.Synthetic.Onnx;

/// <summary>
/// The raw little-endian bytes of an initializer, written straight to the file so that a large
/// weight never exists as one array: its length is known up front, its bytes are produced while writing.
/// </summary>
internal abstract class TensorPayload
{
    public abstract long ByteLength { get; }

    public abstract void WriteTo(Stream output);
}

/// <summary>A payload already in memory: small constants and tables.</summary>
internal sealed class BytesPayload(byte[] bytes) : TensorPayload
{
    public override long ByteLength => bytes.Length;

    public override void WriteTo(Stream output) => output.Write(bytes);
}
