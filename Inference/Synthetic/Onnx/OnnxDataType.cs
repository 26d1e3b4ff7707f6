namespace Platform.Inference.Synthetic.Onnx;

/// <summary>TensorProto.DataType values (onnx.proto); only the element types our graphs use.</summary>
internal enum OnnxDataType
{
    Float = 1,
    Int64 = 7,
    Bool = 9,
    Float16 = 10,
}

internal static class OnnxDataTypeExtensions
{
    public static int ByteSize(this OnnxDataType type) => type switch
    {
        OnnxDataType.Float => 4,
        OnnxDataType.Int64 => 8,
        OnnxDataType.Bool => 1,
        OnnxDataType.Float16 => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown ONNX element type."),
    };
}
