namespace Platform.Inference.Templates.Runtime;

/// <summary>How a block ended; <c>break</c> and <c>continue</c> travel up to their loop as values, not exceptions.</summary>
internal enum Flow
{
    Normal,
    Break,
    Continue,
}
