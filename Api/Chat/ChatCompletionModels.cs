using System.Text.Json.Serialization;
using Platform.Api.Moderations;
using Platform.Api.Sampling;

namespace Platform.Api.Chat;

// Response shapes of POST /v1/chat/completions, as in the official OpenAI specification.

internal sealed record ChatCompletionResponse(
    string Id,
    string Object,
    long Created,
    string Model,
    string SystemFingerprint,
    IReadOnlyList<ChatChoice> Choices,
    Usage Usage,
    string ServiceTier = "default")
{
    /// <summary>Moderation results, when the request asked for moderation (its <c>moderation</c> field).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ChatCompletionModeration? Moderation { get; init; }
}

internal sealed record ChatChoice(int Index, ChatMessage Message, ChatLogprobs? Logprobs, string FinishReason);

internal sealed record ChatMessage(string Role, string? Content, string? Refusal = null)
{
    /// <summary>The calls the model made; <c>content</c> is null when it wrote nothing else.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ChatToolCall>? ToolCalls { get; init; }
}

/// <summary>A tool call: <c>arguments</c> is a string of JSON, as OpenAI sends it.</summary>
internal sealed record ChatToolCall(string Id, string Type, ChatFunctionCall Function);

internal sealed record ChatFunctionCall(string Name, string Arguments);

/// <summary>A streamed piece of a tool call: the first carries <c>id</c>, <c>type</c> and the name, later ones pieces of <c>arguments</c>.</summary>
internal sealed record ChatToolCallDelta(
    int Index,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Id,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Type,
    ChatFunctionCallDelta Function);

internal sealed record ChatFunctionCallDelta(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Name,
    string Arguments);

internal sealed record ChatLogprobs(IReadOnlyList<ChatTokenLogprob> Content, IReadOnlyList<ChatTokenLogprob>? Refusal = null);

internal sealed record ChatTokenLogprob(string Token, float Logprob, IReadOnlyList<int> Bytes, IReadOnlyList<ChatTopLogprob> TopLogprobs);

internal sealed record ChatTopLogprob(string Token, float Logprob, IReadOnlyList<int> Bytes);

internal sealed record ChatCompletionChunk(
    string Id,
    string Object,
    long Created,
    string Model,
    string SystemFingerprint,
    IReadOnlyList<ChatChunkChoice> Choices,
    Usage? Usage,
    string ServiceTier = "default")
{
    /// <summary>Set on the moderation chunk, the last before <c>[DONE]</c>, when the request asked for moderation.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ChatCompletionModeration? Moderation { get; init; }
}

internal sealed record ChatChunkChoice(int Index, ChatDelta Delta, ChatLogprobs? Logprobs, string? FinishReason);

/// <summary>Only the fields a chunk carries are written: the first has the role, the others the content.</summary>
internal sealed record ChatDelta(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Role = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Content = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ChatToolCallDelta>? ToolCalls = null);
