namespace Platform.Inference.Ort;

/// <summary>A model input or output as the session reports it; symbolic dimensions are -1.</summary>
public sealed record TensorInfo(string Name, TensorElementType ElementType, IReadOnlyList<long> Shape);
