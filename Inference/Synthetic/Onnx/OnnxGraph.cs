namespace Platform.Inference.Synthetic.Onnx;

/// <summary>A finished graph, nodes in topological order, ready to be serialized by <see cref="OnnxModelFile"/>.</summary>
internal sealed record OnnxGraph(
    string Name,
    IReadOnlyList<OnnxNode> Nodes,
    IReadOnlyList<OnnxValueInfo> Inputs,
    IReadOnlyList<OnnxValueInfo> Outputs,
    IReadOnlyList<OnnxInitializer> Initializers);
