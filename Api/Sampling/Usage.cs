namespace Platform.Api.Sampling;

/// <summary>Token counts of one response, in OpenAI's shape.</summary>
internal sealed record Usage(int PromptTokens, int CompletionTokens, int TotalTokens, PromptTokensDetails PromptTokensDetails, CompletionTokensDetails CompletionTokensDetails)
{
    public static Usage Of(int prompt, int completion) => new(prompt, completion, prompt + completion, new PromptTokensDetails(0), new CompletionTokensDetails(0, 0, 0));
}

/// <summary>No prompt cache yet, so <c>cached_tokens</c> is always 0.</summary>
internal sealed record PromptTokensDetails(int CachedTokens);

internal sealed record CompletionTokensDetails(int ReasoningTokens, int AcceptedPredictionTokens, int RejectedPredictionTokens);
