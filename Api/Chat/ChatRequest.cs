using System.Text;
using System.Text.Json;
using Platform.Api.Errors;
using Platform.Api.Sampling;
using Platform.Api.Tools;

namespace Platform.Api.Chat;

/// <summary>A parsed and validated chat completion request.</summary>
internal sealed record ChatRequest(
    SamplingRequest Sampling,
    IReadOnlyList<IReadOnlyDictionary<string, object?>> Messages,
    int? TopLogprobs,
    ToolRequest? Tools,
    ResponseFormat Format,
    IReadOnlyList<object?>? TemplateTools)
{
    private static readonly HashSet<string> Roles = new(StringComparer.Ordinal) { "system", "developer", "user", "assistant", "tool", "function" };

    public static ChatRequest Read(JsonRequest request, int maxChoices)
    {
        RejectUnsupported(request);
        var messages = ReadMessages(request);
        var sampling = SamplingRequest.Read(request, maxChoices, "max_completion_tokens", "max_tokens");
        var logprobs = request.OptionalBool("logprobs") ?? false;
        var top = request.OptionalInteger("top_logprobs", 0, 20);
        if (top is not null && !logprobs)
        {
            throw ApiException.InvalidRequest("'logprobs' must be set to true when 'top_logprobs' is used.", "top_logprobs");
        }

        var tools = ToolRequest.Read(request);
        var format = ResponseFormat.Read(request);
        return new ChatRequest(sampling, messages, logprobs ? (int)(top ?? 0) : null, tools, format, tools is null ? null : TemplateToolsOf(request));
    }

    /// <summary><c>tools</c> as the chat template sees them: the request's own objects (legacy functions wrapped as tools).</summary>
    private static List<object?> TemplateToolsOf(JsonRequest request)
    {
        if (request.Get("tools") is { } tools)
        {
            return [.. tools.EnumerateArray().Select(t => (object?)t.Clone())];
        }

        return [.. request.Get("functions")!.Value.EnumerateArray().Select(f => (object?)new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["type"] = "function",
            ["function"] = f.Clone(),
        })];
    }

    private static void RejectUnsupported(JsonRequest request)
    {
        if (request.Has("audio"))
        {
            throw ApiException.Unsupported("audio", "Audio output is not supported.");
        }

        if (request.Get("modalities") is { ValueKind: JsonValueKind.Array } modalities
            && modalities.EnumerateArray().Any(m => m.ValueKind == JsonValueKind.String && m.GetString() == "audio"))
        {
            throw ApiException.Unsupported("modalities", "The 'audio' modality is not supported.");
        }
    }

    private static List<IReadOnlyDictionary<string, object?>> ReadMessages(JsonRequest request)
    {
        var messages = request.Get("messages") ?? throw ApiException.Missing("messages");
        if (messages.ValueKind != JsonValueKind.Array)
        {
            throw ApiException.InvalidType("messages", "an array", JsonRequest.Describe(messages));
        }

        if (messages.GetArrayLength() == 0)
        {
            throw ApiException.InvalidValue("messages", "must contain at least one message.");
        }

        var result = new List<IReadOnlyDictionary<string, object?>>();
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            result.Add(ReadMessage(message, $"messages[{index++}]"));
        }

        return result;
    }

    private static Dictionary<string, object?> ReadMessage(JsonElement message, string param)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.InvalidType(param, "an object", JsonRequest.Describe(message));
        }

        if (!message.TryGetProperty("role", out var roleElement) || roleElement.ValueKind != JsonValueKind.String)
        {
            throw ApiException.Missing($"{param}.role");
        }

        var role = roleElement.GetString()!;
        if (!Roles.Contains(role))
        {
            throw ApiException.InvalidValue($"{param}.role", $"'{role}' is not one of 'system', 'developer', 'user', 'assistant' or 'tool'.");
        }

        var content = message.TryGetProperty("content", out var contentElement) ? contentElement : default;
        var toolCalls = role == "assistant" ? ToolCallHistory.Read(message, param) : null;
        object? text = content.ValueKind switch
        {
            JsonValueKind.Null or JsonValueKind.Undefined when toolCalls is not null => null,
            JsonValueKind.String => content.GetString()!,
            JsonValueKind.Array => ReadParts(content, $"{param}.content"),
            JsonValueKind.Null or JsonValueKind.Undefined when role == "assistant" => string.Empty,
            JsonValueKind.Null or JsonValueKind.Undefined => throw ApiException.Missing($"{param}.content"),
            _ => throw ApiException.InvalidType($"{param}.content", "a string or an array of content parts", JsonRequest.Describe(content)),
        };

        // Templates know system, user, assistant and tool; a developer message is the system prompt of newer models.
        var result = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["role"] = role == "developer" ? "system" : role,
            ["content"] = text,
        };
        foreach (var extra in new[] { "name", "tool_call_id" })
        {
            if (message.TryGetProperty(extra, out var value) && value.ValueKind == JsonValueKind.String)
            {
                result[extra] = value.GetString();
            }
        }

        if (role == "tool" && !result.ContainsKey("tool_call_id"))
        {
            throw ApiException.Missing($"{param}.tool_call_id");
        }

        if (toolCalls is not null)
        {
            result["tool_calls"] = toolCalls;
        }

        return result;
    }

    private static string ReadParts(JsonElement parts, string param)
    {
        var text = new StringBuilder();
        var index = 0;
        foreach (var part in parts.EnumerateArray())
        {
            var partParam = $"{param}[{index}]";
            if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                throw ApiException.InvalidRequest($"Each content part needs a 'type'; '{partParam}' has none.", $"{partParam}.type", "invalid_type");
            }

            if (type.GetString() != "text")
            {
                throw ApiException.Unsupported($"{partParam}.type", $"Content parts of type '{type.GetString()}' are not supported; only 'text' is.");
            }

            if (!part.TryGetProperty("text", out var value) || value.ValueKind != JsonValueKind.String)
            {
                throw ApiException.Missing($"{partParam}.text");
            }

            // Several text parts read as lines of one message, as vLLM joins them.
            if (index++ > 0)
            {
                text.Append('\n');
            }

            text.Append(value.GetString());
        }

        return text.ToString();
    }
}
