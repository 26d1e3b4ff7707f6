using System.Text.Json;
using Platform.Api.Tests.Support;
using Platform.Inference.Templates;

namespace Platform.Api.Tests.Inference.Templates;

/// <summary>chat-template-vectors.json: renders (or raise_exception messages) of the reference templates by @huggingface/jinja.</summary>
internal static class ChatTemplateVectors
{
    private static readonly Lazy<IReadOnlyList<ChatTemplateVector>> All = new(Load);

    public static IReadOnlyList<ChatTemplateVector> Cases => All.Value;

    public static string TemplatePath(string name) => SharedData.Reference(Path.Combine("chat-templates", name));

    private static List<ChatTemplateVector> Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(SharedData.Reference("chat-template-vectors.json")));
        var cases = new List<ChatTemplateVector>();
        foreach (var vector in document.RootElement.GetProperty("cases").EnumerateArray())
        {
            var tools = vector.GetProperty("tools");
            var context = new ChatTemplateContext
            {
                Messages = [.. vector.GetProperty("messages").EnumerateArray().Select(m => (IReadOnlyDictionary<string, object?>)TemplateHarness.FromJson(m)!)],
                BosToken = vector.GetProperty("bos_token").GetString(),
                EosToken = vector.GetProperty("eos_token").GetString(),
                AddGenerationPrompt = vector.GetProperty("add_generation_prompt").GetBoolean(),
                Tools = tools.ValueKind == JsonValueKind.Array ? (IReadOnlyList<object?>)TemplateHarness.FromJson(tools)! : null,
            };
            var rendered = vector.GetProperty("rendered");
            var error = vector.GetProperty("error");
            cases.Add(new ChatTemplateVector(
                cases.Count,
                vector.GetProperty("template").GetString()!,
                context,
                rendered.ValueKind == JsonValueKind.String ? rendered.GetString() : null,
                error.ValueKind == JsonValueKind.String ? error.GetString() : null));
        }

        return cases;
    }
}

internal sealed record ChatTemplateVector(int Index, string Template, ChatTemplateContext Context, string? Rendered, string? Error)
{
    public override string ToString() => $"{Template}#{Index}";
}
