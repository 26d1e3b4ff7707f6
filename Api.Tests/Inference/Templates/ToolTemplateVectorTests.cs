using System.Text.Json;
using Platform.Api.Tests.Support;
using Platform.Inference.Templates;

namespace Platform.Api.Tests.Inference.Templates;

/// <summary>tool-template-vectors.json: tool-calling conversations rendered by Python Jinja2 as transformers configures it.</summary>
public sealed class ToolTemplateVectorTests
{
    private static readonly Lazy<IReadOnlyList<ChatTemplateVector>> All = new(Load);

    public static TheoryData<int> Cases()
    {
        var data = new TheoryData<int>();
        foreach (var vector in All.Value)
        {
            data.Add(vector.Index);
        }

        return data;
    }

    [Fact]
    public void Vectors_SharedFile_HasTwentyFourCasesOverThreeTemplates()
    {
        Assert.Equal(24, All.Value.Count);
        Assert.Equal(3, All.Value.Select(v => v.Template).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Render_ToolVector_MatchesPythonJinja(int index)
    {
        var vector = All.Value[index];
        var template = ChatTemplate.Parse(File.ReadAllText(ChatTemplateVectors.TemplatePath(vector.Template)));

        Assert.Equal(vector.Rendered, template.Render(vector.Context));
    }

    private static List<ChatTemplateVector> Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(SharedData.Reference("tool-template-vectors.json")));
        var cases = new List<ChatTemplateVector>();
        foreach (var vector in document.RootElement.GetProperty("cases").EnumerateArray())
        {
            var context = new ChatTemplateContext
            {
                Messages = [.. vector.GetProperty("messages").EnumerateArray().Select(m => (IReadOnlyDictionary<string, object?>)TemplateHarness.FromJson(m)!)],
                BosToken = vector.GetProperty("bos_token").GetString(),
                EosToken = vector.GetProperty("eos_token").GetString(),
                AddGenerationPrompt = vector.GetProperty("add_generation_prompt").GetBoolean(),
                Tools = (IReadOnlyList<object?>)TemplateHarness.FromJson(vector.GetProperty("tools"))!,
            };
            cases.Add(new ChatTemplateVector(cases.Count, vector.GetProperty("template").GetString()!, context, vector.GetProperty("rendered").GetString(), null));
        }

        return cases;
    }
}
