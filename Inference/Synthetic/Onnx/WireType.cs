namespace Platform.Inference.Synthetic.Onnx;

/// <summary>The protobuf wire types that ONNX messages use (no groups, no fixed64).</summary>
internal enum WireType
{
    Varint = 0,
    LengthDelimited = 2,
    Fixed32 = 5,
}
