using System.Text.Json;
using Platform.Api.Errors;
using Platform.Api.Sampling;

namespace Platform.Api.Moderations;

/// <summary>The <c>input</c> of <c>/v1/moderations</c>: a string, an array of strings, or an array of text objects; images are not supported.</summary>
internal static class ModerationInput
{
    public static IReadOnlyList<string> Read(JsonRequest request, ModerationOptions options)
    {
        var input = request.Get("input") ?? throw ApiException.Missing("input");
        var texts = input.ValueKind switch
        {
            JsonValueKind.String => [input.GetString()!],
            JsonValueKind.Array when input.GetArrayLength() == 0 => throw ApiException.InvalidValue("input", "must not be an empty array."),
            JsonValueKind.Array when input.GetArrayLength() > options.MaxInputs =>
                throw ApiException.InvalidValue("input", $"must hold at most {options.MaxInputs} items; got {input.GetArrayLength()}."),
            JsonValueKind.Array => input.EnumerateArray().Select((item, i) => Item(item, $"input[{i}]")).ToList(),
            _ => throw ApiException.InvalidType("input", "a string or an array of strings", JsonRequest.Describe(input)),
        };

        for (var i = 0; i < texts.Count; i++)
        {
            if (texts[i].Length > options.MaxInputCharacters)
            {
                var param = input.ValueKind == JsonValueKind.Array ? $"input[{i}]" : "input";
                throw ApiException.InvalidRequest(
                    $"Invalid '{param}': string too long. Expected a string with maximum length {options.MaxInputCharacters}, but got a string with length {texts[i].Length} instead.",
                    param,
                    "string_above_max_length");
            }
        }

        return texts;
    }

    private static string Item(JsonElement item, string param)
    {
        if (item.ValueKind == JsonValueKind.String)
        {
            return item.GetString()!;
        }

        if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String)
        {
            if (type.GetString() != "text")
            {
                throw ApiException.Unsupported($"{param}.type", $"Only text inputs are supported; got '{type.GetString()}'.");
            }

            return item.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String
                ? text.GetString()!
                : throw ApiException.Missing($"{param}.text");
        }

        throw ApiException.InvalidType(param, "a string", JsonRequest.Describe(item));
    }
}
