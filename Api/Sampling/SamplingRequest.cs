using System.Globalization;
using System.Text.Json;
using Platform.Api.Errors;
using Platform.Inference.Engine;

namespace Platform.Api.Sampling;

/// <summary>The sampling and streaming fields that chat and text completions share.</summary>
internal sealed record SamplingRequest
{
    public required string Model { get; init; }

    public int? MaxTokens { get; init; }

    public float Temperature { get; init; } = 1f;

    public float TopP { get; init; } = 1f;

    public int N { get; init; } = 1;

    public IReadOnlyList<string> Stop { get; init; } = [];

    public long? Seed { get; init; }

    public float PresencePenalty { get; init; }

    public float FrequencyPenalty { get; init; }

    public IReadOnlyDictionary<int, float> LogitBias { get; init; } = new Dictionary<int, float>();

    public bool Stream { get; init; }

    public bool IncludeUsage { get; init; }

    public string? User { get; init; }

    /// <summary>OpenAI's <c>prompt_cache_key</c>: part of the prefix cache's namespace (see <see cref="Sampling.PromptCacheKey"/>).</summary>
    public string? PromptCacheKey { get; init; }

    /// <summary>Options for choice <paramref name="index"/>: with a seed, each choice draws from its own (seed + index).</summary>
    public GenerationOptions ToOptions(int maxTokens, int index, int? topLogprobs) => new()
    {
        MaxTokens = maxTokens,
        Temperature = Temperature,
        TopP = TopP,
        Seed = Seed is { } seed ? seed + index : null,
        PresencePenalty = PresencePenalty,
        FrequencyPenalty = FrequencyPenalty,
        LogitBias = LogitBias,
        TopLogprobs = topLogprobs,
    };

    /// <summary>Reads the shared fields; <paramref name="maxTokensFields"/> are tried in order (chat prefers max_completion_tokens).</summary>
    public static SamplingRequest Read(JsonRequest request, int maxChoices, params string[] maxTokensFields)
    {
        var model = request.RequiredString("model");
        int? maxTokens = null;
        foreach (var field in maxTokensFields)
        {
            if (request.OptionalInteger(field, 1, int.MaxValue) is { } value)
            {
                maxTokens ??= (int)value;
            }
        }

        var stream = request.OptionalBool("stream") ?? false;
        var includeUsage = false;
        if (request.Get("stream_options") is { } streamOptions)
        {
            if (!stream)
            {
                throw ApiException.InvalidRequest("The 'stream_options' parameter is only allowed when 'stream' is enabled.", "stream_options");
            }

            if (streamOptions.ValueKind != JsonValueKind.Object)
            {
                throw ApiException.InvalidType("stream_options", "an object", JsonRequest.Describe(streamOptions));
            }

            if (streamOptions.TryGetProperty("include_usage", out var usage) && usage.ValueKind != JsonValueKind.Null)
            {
                includeUsage = usage.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => throw ApiException.InvalidType("stream_options.include_usage", "a boolean", JsonRequest.Describe(usage)),
                };
            }
        }

        return new SamplingRequest
        {
            Model = model,
            MaxTokens = maxTokens,
            Temperature = (float)(request.OptionalNumber("temperature", 0, 2) ?? 1),
            TopP = (float)(request.OptionalNumber("top_p", 0, 1, minExclusive: true) ?? 1),
            N = (int)(request.OptionalInteger("n", 1, maxChoices) ?? 1),
            Stop = ReadStop(request),
            Seed = request.OptionalInteger("seed", long.MinValue, long.MaxValue),
            PresencePenalty = (float)(request.OptionalNumber("presence_penalty", -2, 2) ?? 0),
            FrequencyPenalty = (float)(request.OptionalNumber("frequency_penalty", -2, 2) ?? 0),
            LogitBias = ReadLogitBias(request),
            Stream = stream,
            IncludeUsage = includeUsage,
            User = request.OptionalString("user"),
            PromptCacheKey = Sampling.PromptCacheKey.Read(request),
        };
    }

    private static string[] ReadStop(JsonRequest request)
    {
        if (request.Get("stop") is not { } stop)
        {
            return [];
        }

        string[] stops = stop.ValueKind switch
        {
            JsonValueKind.String => [stop.GetString()!],
            JsonValueKind.Array => [.. stop.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : throw ApiException.InvalidType("stop", "a string or an array of strings", "an array with " + JsonRequest.Describe(e)))],
            _ => throw ApiException.InvalidType("stop", "a string or an array of strings", JsonRequest.Describe(stop)),
        };
        if (stops.Length > 4)
        {
            throw ApiException.InvalidValue("stop", $"at most 4 stop sequences are allowed; got {stops.Length}.");
        }

        return stops.Any(s => s.Length == 0) ? throw ApiException.InvalidValue("stop", "stop sequences must not be empty.") : stops;
    }

    private static Dictionary<int, float> ReadLogitBias(JsonRequest request)
    {
        var result = new Dictionary<int, float>();
        if (request.Get("logit_bias") is not { } bias)
        {
            return result;
        }

        if (bias.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.InvalidType("logit_bias", "an object mapping token ids to biases", JsonRequest.Describe(bias));
        }

        foreach (var entry in bias.EnumerateObject())
        {
            if (!int.TryParse(entry.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var token))
            {
                throw ApiException.InvalidValue("logit_bias", $"keys must be token ids; got '{entry.Name}'.");
            }

            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetDouble(out var value) || value < -100 || value > 100)
            {
                throw ApiException.InvalidValue("logit_bias", $"the bias for token {token} must be a number between -100 and 100.");
            }

            result[token] = (float)value;
        }

        return result;
    }
}
