using System.Text;

namespace Platform.Api.Tests.Inference.Tokenization;

/// <summary>completion-vectors.json: the prompt is encoded, the generated ids streamed, and the text must match.</summary>
public sealed class CompletionVectorTests(SharedTokenizers tokenizers) : IClassFixture<SharedTokenizers>
{
    public static TheoryData<int> Cases()
    {
        var data = new TheoryData<int>();
        foreach (var vector in ReferenceVectors.CompletionCases())
        {
            data.Add(vector.Index);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void StreamingDetokenizer_GeneratedIds_ProduceCompletionText(int index)
    {
        var vector = ReferenceVectors.CompletionCases()[index];
        var tokenizer = tokenizers[vector.Model];
        var prompt = tokenizer.Encode(vector.Prompt);
        var detokenizer = tokenizer.CreateStreamingDetokenizer(prompt);

        var text = new StringBuilder();
        foreach (var id in vector.GeneratedIds)
        {
            text.Append(detokenizer.Push(id));
        }

        text.Append(detokenizer.Flush());

        Assert.Equal(vector.CompletionText, text.ToString());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decode_PromptPlusGenerated_EndsWithCompletionText(int index)
    {
        var vector = ReferenceVectors.CompletionCases()[index];
        var tokenizer = tokenizers[vector.Model];
        var prompt = tokenizer.Encode(vector.Prompt);

        var full = tokenizer.Decode([.. prompt, .. vector.GeneratedIds]);
        var promptText = tokenizer.Decode(prompt);

        Assert.Equal(vector.CompletionText, full[promptText.Length..]);
    }
}
