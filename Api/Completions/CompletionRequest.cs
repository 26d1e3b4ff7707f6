using System.Text.Json;
using Platform.Api.Errors;
using Platform.Api.Sampling;
using Platform.Inference.Tokenization;

namespace Platform.Api.Completions;

/// <summary>A prompt of a legacy completion: its text (for <c>echo</c>) and its tokens.</summary>
internal sealed record CompletionPrompt(string Text, IReadOnlyList<int> Ids);

/// <summary>A parsed and validated legacy completion request. Prompts are read against the model's tokenizer.</summary>
internal sealed record CompletionRequest(SamplingRequest Sampling, JsonElement Prompt, bool Echo, int? Logprobs)
{
    public static CompletionRequest Read(JsonRequest request, int maxChoices)
    {
        if (request.Get("suffix") is { ValueKind: JsonValueKind.String } suffix && suffix.GetString()!.Length > 0)
        {
            throw ApiException.Unsupported("suffix", "The 'suffix' parameter (insertion) is not supported by this server's models.");
        }

        if (request.Has("best_of") && request.OptionalInteger("best_of", 1, 1) is null)
        {
            throw ApiException.Unsupported("best_of", "Only best_of = 1 is supported.");
        }

        var prompt = request.Get("prompt") ?? throw ApiException.Missing("prompt");
        var sampling = SamplingRequest.Read(request, maxChoices, "max_tokens");
        var logprobs = request.OptionalInteger("logprobs", 0, 5);
        return new CompletionRequest(
            sampling with { MaxTokens = sampling.MaxTokens ?? 16 },
            prompt,
            request.OptionalBool("echo") ?? false,
            logprobs is null ? null : (int)logprobs);
    }

    /// <summary>The prompts: a string, an array of strings, an array of token ids, or an array of such arrays.</summary>
    public IReadOnlyList<CompletionPrompt> Prompts(ITokenizer tokenizer)
    {
        var prompts = Prompt.ValueKind switch
        {
            JsonValueKind.String => [FromText(tokenizer, Prompt.GetString()!)],
            JsonValueKind.Array when Prompt.GetArrayLength() == 0 => throw ApiException.InvalidValue("prompt", "must not be an empty array."),
            JsonValueKind.Array when Prompt.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Number) => [FromIds(tokenizer, Prompt)],
            JsonValueKind.Array => Prompt.EnumerateArray().Select(e => e.ValueKind switch
            {
                JsonValueKind.String => FromText(tokenizer, e.GetString()!),
                JsonValueKind.Array => FromIds(tokenizer, e),
                _ => throw ApiException.InvalidType("prompt", "a string, an array of strings or an array of token arrays", "an array with " + JsonRequest.Describe(e)),
            }).ToList(),
            _ => throw ApiException.InvalidType("prompt", "a string or an array", JsonRequest.Describe(Prompt)),
        };
        return prompts.Count <= 128 ? prompts : throw ApiException.InvalidValue("prompt", "at most 128 prompts are allowed in one request.");
    }

    private static CompletionPrompt FromText(ITokenizer tokenizer, string text) => new(text, tokenizer.Encode(text));

    private static CompletionPrompt FromIds(ITokenizer tokenizer, JsonElement ids)
    {
        var list = new List<int>();
        foreach (var id in ids.EnumerateArray())
        {
            list.Add(id.ValueKind == JsonValueKind.Number && id.TryGetInt32(out var value) && value >= 0
                ? value
                : throw ApiException.InvalidValue("prompt", "token arrays must hold non-negative integer token ids."));
        }

        return list.Count > 0
            ? new CompletionPrompt(tokenizer.Decode(list, skipSpecialTokens: false), list)
            : throw ApiException.InvalidValue("prompt", "token arrays must not be empty.");
    }
}
