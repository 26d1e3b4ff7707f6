using System.Text.Json;
using Platform.Api.Errors;
using Platform.Api.Sampling;

namespace Platform.Api.Moderations;

/// <summary>What a policy asks for a side of a completion: scores only, or refusing (input) / cutting short (output) when flagged.</summary>
internal enum RequestedMode
{
    Score,
    Block,
}

/// <summary>
/// A chat request's <c>moderation</c> field (<c>ModerationParam</c>): the moderation model and per side a mode,
/// <c>score</c> (the default) or <c>block</c>. It can make moderation stricter than the tier's, never looser.
/// </summary>
internal sealed record ModerationRequest(string Model, RequestedMode Input, RequestedMode Output)
{
    public const string Param = "moderation";

    public static ModerationRequest? Read(JsonRequest request)
    {
        if (request.Get(Param) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.InvalidType(Param, "an object", JsonRequest.Describe(value));
        }

        var field = new JsonRequest(value);
        var model = field.Get("model") is { } m
            ? m.ValueKind == JsonValueKind.String ? m.GetString()! : throw ApiException.InvalidType($"{Param}.model", "a string", JsonRequest.Describe(m))
            : throw ApiException.Missing($"{Param}.model");
        var policy = field.Get("policy");
        if (policy is { ValueKind: not JsonValueKind.Object })
        {
            throw ApiException.InvalidType($"{Param}.policy", "an object", JsonRequest.Describe(policy.Value));
        }

        return new ModerationRequest(model, Mode(policy, "input"), Mode(policy, "output"));
    }

    private static RequestedMode Mode(JsonElement? policy, string side)
    {
        if (policy is not { } p || !p.TryGetProperty(side, out var config) || config.ValueKind == JsonValueKind.Null)
        {
            return RequestedMode.Score;
        }

        var param = $"{Param}.policy.{side}";
        if (config.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.InvalidType(param, "an object", JsonRequest.Describe(config));
        }

        if (!config.TryGetProperty("mode", out var mode) || mode.ValueKind == JsonValueKind.Null)
        {
            throw ApiException.Missing($"{param}.mode");
        }

        var text = mode.ValueKind == JsonValueKind.String ? mode.GetString() : null;
        return text switch
        {
            "score" => RequestedMode.Score,
            "block" => RequestedMode.Block,
            null => throw ApiException.InvalidType($"{param}.mode", "a string", JsonRequest.Describe(mode)),
            _ => throw ApiException.InvalidValue($"{param}.mode", $"must be 'score' or 'block'; got '{text}'."),
        };
    }
}
