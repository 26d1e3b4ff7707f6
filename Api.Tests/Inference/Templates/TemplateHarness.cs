using System.Text.Json;
using Platform.Inference.Templates;

namespace Platform.Api.Tests.Inference.Templates;

/// <summary>Renders small templates with variables for the unit tests, and converts JSON to context values.</summary>
internal static class TemplateHarness
{
    public static string Render(string template, params (string Name, object? Value)[] variables) =>
        ChatTemplate.Parse(template).Render(Context(variables));

    public static ChatTemplateContext Context(params (string Name, object? Value)[] variables) => new()
    {
        Messages = [],
        Extra = variables.ToDictionary(v => v.Name, v => v.Value),
    };

    public static Dictionary<string, object?> Map(params (string Key, object? Value)[] entries) =>
        entries.ToDictionary(e => e.Key, e => e.Value);

    public static IReadOnlyDictionary<string, object?> Message(string role, string content) => Map(("role", role), ("content", content));

    /// <summary>JSON to the context's value types: long for integers, double for other numbers, lists and ordered dictionaries.</summary>
    public static object? FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var integer) ? integer : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null => null,
        JsonValueKind.Array => element.EnumerateArray().Select(FromJson).ToList(),
        _ => element.EnumerateObject().ToDictionary(p => p.Name, p => FromJson(p.Value)),
    };
}
