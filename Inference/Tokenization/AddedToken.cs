namespace Platform.Inference.Tokenization;

/// <summary>An entry of tokenizer.json's <c>added_tokens</c>: matched in the raw text before the model sees it.</summary>
internal sealed record AddedToken(int Id, string Content, bool Special, bool Normalized, bool LeftStrip, bool RightStrip);
