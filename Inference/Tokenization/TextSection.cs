namespace Platform.Inference.Tokenization;

/// <summary>A slice of a text being encoded; trimming for lstrip/rstrip narrows it without copying.</summary>
internal record struct TextSection(int Start, int Length);
