namespace Platform.Inference.Synthetic.Onnx;

/// <summary>A node of the default ONNX domain (NodeProto).</summary>
internal sealed record OnnxNode(string Name, string OpType, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs, IReadOnlyList<OnnxAttribute> Attributes)
{
    // NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5; domain (7) is omitted for the default domain.
    public void WriteTo(ProtoWriter writer)
    {
        foreach (var input in Inputs)
        {
            writer.WriteString(1, input);
        }

        foreach (var output in Outputs)
        {
            writer.WriteString(2, output);
        }

        writer.WriteString(3, Name);
        writer.WriteString(4, OpType);
        foreach (var attribute in Attributes)
        {
            writer.WriteMessage(5, attribute.WriteTo);
        }
    }
}
