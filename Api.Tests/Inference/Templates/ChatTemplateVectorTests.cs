using Platform.Inference.Templates;

namespace Platform.Api.Tests.Inference.Templates;

/// <summary>Every case of chat-template-vectors.json renders exactly as @huggingface/jinja rendered it, or raises its message.</summary>
public sealed class ChatTemplateVectorTests
{
    public static TheoryData<int> Cases()
    {
        var data = new TheoryData<int>();
        foreach (var vector in ChatTemplateVectors.Cases)
        {
            data.Add(vector.Index);
        }

        return data;
    }

    [Fact]
    public void Vectors_SharedFile_HasSeventyCasesOverSevenTemplates()
    {
        Assert.Equal(70, ChatTemplateVectors.Cases.Count);
        Assert.Equal(7, ChatTemplateVectors.Cases.Select(v => v.Template).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Render_ReferenceVector_MatchesReference(int index)
    {
        var vector = ChatTemplateVectors.Cases[index];
        var template = ChatTemplate.Parse(File.ReadAllText(ChatTemplateVectors.TemplatePath(vector.Template)));

        if (vector.Error is not null)
        {
            var raised = Assert.Throws<TemplateRaisedException>(() => template.Render(vector.Context));
            Assert.Equal(vector.Error, raised.Message);
        }
        else
        {
            Assert.Equal(vector.Rendered, template.Render(vector.Context));
        }
    }

    [Theory]
    [InlineData("chatml.jinja")]
    [InlineData("gemma.jinja")]
    [InlineData("llama2.jinja")]
    [InlineData("llama3.jinja")]
    [InlineData("mistral.jinja")]
    [InlineData("phi3.jinja")]
    [InlineData("qwen3.jinja")]
    public void Render_SameTemplateFromManyThreads_GivesSameText(string name)
    {
        var template = ChatTemplate.Parse(File.ReadAllText(ChatTemplateVectors.TemplatePath(name)));
        var vector = ChatTemplateVectors.Cases.First(v => v.Template == name && v.Rendered is not null);

        var renders = new string[64];
        Parallel.For(0, renders.Length, i => renders[i] = template.Render(vector.Context));

        Assert.All(renders, text => Assert.Equal(vector.Rendered, text));
    }
}
