namespace Platform.Inference.Synthetic.Onnx;

/// <summary>A typed graph input or output (ValueInfoProto with a tensor TypeProto).</summary>
internal sealed record OnnxValueInfo(string Name, OnnxDataType ElementType, IReadOnlyList<OnnxDim> Shape)
{
    // ValueInfoProto: name = 1, type = 2. TypeProto: tensor_type = 1. TypeProto.Tensor: elem_type = 1, shape = 2.
    // TensorShapeProto: dim = 1. Dimension: dim_value = 1, dim_param = 2.
    public void WriteTo(ProtoWriter writer)
    {
        writer.WriteString(1, Name);
        writer.WriteMessage(2, type => type.WriteMessage(1, tensor =>
        {
            tensor.WriteInt64(1, (long)ElementType);
            tensor.WriteMessage(2, shape =>
            {
                foreach (var dim in Shape)
                {
                    shape.WriteMessage(1, d =>
                    {
                        if (dim.Param is { } param)
                        {
                            d.WriteString(2, param);
                        }
                        else
                        {
                            d.WriteInt64(1, dim.Value);
                        }
                    });
                }
            });
        }));
    }
}
