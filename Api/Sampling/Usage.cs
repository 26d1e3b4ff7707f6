namespace Platform.Api.Sampling;

/// <summary>Token counts of one response, in OpenAI's shape.</summary>
internal sealed record Usage(int PromptTokens, int CompletionTokens, int TotalTokens, PromptTokensDetails PromptTokensDetails, CompletionTokensDetails CompletionTokensDetails)
{
    public static Usage Of(int prompt, int completion, int cachedPrompt) => new(prompt, completion, prompt + completion, new PromptTokensDetails(cachedPrompt), new CompletionTokensDetails(0, 0, 0));
}

/// <summary><c>cached_tokens</c>: prompt tokens served from the engine's prefix cache instead of prefilled.</summary>
internal sealed record PromptTokensDetails(int CachedTokens);

internal sealed record CompletionTokensDetails(int ReasoningTokens, int AcceptedPredictionTokens, int RejectedPredictionTokens);
