namespace Platform.Inference.Engine;

/// <summary>A prompt, already tokenized, and how to continue it.</summary>
public sealed record GenerationRequest(IReadOnlyList<int> PromptIds, GenerationOptions Options);
