namespace Platform.Inference.Ort;

/// <summary>ONNX tensor element types we meet in decoders (<c>ONNXTensorElementDataType</c>).</summary>
#pragma warning disable CA1720 // the members mirror ONNX type names on purpose
public enum TensorElementType
{
    Undefined = 0,
    Float = 1,
    UInt8 = 2,
    Int8 = 3,
    Int32 = 6,
    Int64 = 7,
    String = 8,
    Bool = 9,
    Float16 = 10,
    Double = 11,
    BFloat16 = 16,
}

#pragma warning restore CA1720

internal static class TensorElementTypeExtensions
{
    public static int SizeInBytes(this TensorElementType type) => type switch
    {
        TensorElementType.Float or TensorElementType.Int32 => 4,
        TensorElementType.Int64 or TensorElementType.Double => 8,
        TensorElementType.Float16 or TensorElementType.BFloat16 => 2,
        TensorElementType.UInt8 or TensorElementType.Int8 or TensorElementType.Bool => 1,
        _ => throw new NotSupportedException($"Tensor element type {type} is not supported."),
    };
}
