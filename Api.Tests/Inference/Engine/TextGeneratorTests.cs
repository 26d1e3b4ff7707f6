using System.Text;
using Platform.Api.Tests.Support;
using Platform.Inference.Engine;

namespace Platform.Api.Tests.Inference.Engine;

[Collection(OrtTests.Name)]
public sealed class TextGeneratorTests(OrtFixture ort)
{
    public static TheoryData<string, int> CompletionCases()
    {
        var data = new TheoryData<string, int>();
        foreach (var vector in ReferenceVectors.Completions())
        {
            data.Add(vector.Model, vector.Index);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CompletionCases))]
    public async Task GenerateTextAsync_Greedy_ReproducesReferenceCompletion(string model, int index)
    {
        var vector = ReferenceVectors.Completions().Single(v => v.Model == model && v.Index == index);
        using var loaded = TestModels.LoadShared(ort, model);

        var text = new StringBuilder();
        var ids = new List<int>();
        await foreach (var chunk in loaded.GenerateTextAsync(vector.Prompt, new GenerationOptions { MaxTokens = vector.MaxTokens, Temperature = 0f }, skipSpecialTokens: false))
        {
            text.Append(chunk.Text);
            ids.AddRange(chunk.Tokens.Select(t => t.TokenId));
        }

        Assert.Equal(vector.GeneratedIds, ids);
        Assert.Equal(vector.CompletionText, text.ToString());
    }
}
