using System.Text.Json;
using Platform.Api.Errors;
using Platform.Api.Sampling;

namespace Platform.Api.Tools;

/// <summary>
/// An assistant message's earlier <c>tool_calls</c>, as Hugging Face chat templates expect them: the client sends
/// each call's <c>arguments</c> as a JSON string, the template wants the object it encodes.
/// </summary>
internal static class ToolCallHistory
{
    public static List<object?>? Read(JsonElement message, string param)
    {
        if (!message.TryGetProperty("tool_calls", out var calls) || calls.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (calls.ValueKind != JsonValueKind.Array)
        {
            throw ApiException.InvalidType($"{param}.tool_calls", "an array", JsonRequest.Describe(calls));
        }

        if (calls.GetArrayLength() == 0)
        {
            return null;
        }

        var result = new List<object?>();
        var index = 0;
        foreach (var call in calls.EnumerateArray())
        {
            result.Add(ReadCall(call, $"{param}.tool_calls[{index++}]"));
        }

        return result;
    }

    private static Dictionary<string, object?> ReadCall(JsonElement call, string param)
    {
        if (call.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.InvalidType(param, "an object", JsonRequest.Describe(call));
        }

        var id = call.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : throw ApiException.Missing($"{param}.id");
        if (!call.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.Missing($"{param}.function");
        }

        var name = function.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : throw ApiException.Missing($"{param}.function.name");
        var arguments = function.TryGetProperty("arguments", out var a) ? a : throw ApiException.Missing($"{param}.function.arguments");
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["id"] = id,
            ["type"] = "function",
            ["function"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["name"] = name,
                ["arguments"] = ParseArguments(arguments, $"{param}.function.arguments"),
            },
        };
    }

    private static JsonElement ParseArguments(JsonElement arguments, string param)
    {
        if (arguments.ValueKind == JsonValueKind.Object)
        {
            return arguments.Clone();
        }

        if (arguments.ValueKind != JsonValueKind.String)
        {
            throw ApiException.InvalidType(param, "a string of JSON", JsonRequest.Describe(arguments));
        }

        try
        {
            using var document = JsonDocument.Parse(arguments.GetString()!);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw ApiException.InvalidValue(param, "must be a string of valid JSON.");
        }
    }
}
