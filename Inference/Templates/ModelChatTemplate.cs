namespace Platform.Inference.Templates;

/// <summary>A model's chat template with the special tokens its tokenizer_config.json names, ready for <see cref="ChatTemplateContext"/>.</summary>
public sealed record ModelChatTemplate(ChatTemplate Template, string? BosToken, string? EosToken);
