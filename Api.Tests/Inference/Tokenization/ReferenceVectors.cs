using System.Text.Json;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Inference.Tokenization;

/// <summary>Reads the reference vectors in shared/reference (made with tokenizers.js 0.2.0).</summary>
internal static class ReferenceVectors
{
    public static IReadOnlyList<TokenizerCase> TokenizerCases()
    {
        using var document = Read("tokenizer-vectors.json");
        var cases = new List<TokenizerCase>();
        foreach (var model in document.RootElement.GetProperty("models").EnumerateObject())
        {
            var index = 0;
            foreach (var item in model.Value.EnumerateArray())
            {
                cases.Add(new TokenizerCase(
                    model.Name,
                    index++,
                    item.GetProperty("text").GetString()!,
                    Ids(item.GetProperty("ids")),
                    item.GetProperty("decoded").GetString()!));
            }
        }

        return cases;
    }

    public static IReadOnlyList<CompletionCase> CompletionCases()
    {
        using var document = Read("completion-vectors.json");
        var cases = new List<CompletionCase>();
        var index = 0;
        foreach (var item in document.RootElement.GetProperty("completions").EnumerateArray())
        {
            cases.Add(new CompletionCase(
                item.GetProperty("model").GetString()!,
                index++,
                item.GetProperty("prompt").GetString()!,
                Ids(item.GetProperty("generated_ids")),
                item.GetProperty("completion_text").GetString()!));
        }

        return cases;
    }

    private static JsonDocument Read(string fileName) => JsonDocument.Parse(File.ReadAllText(SharedData.Reference(fileName)));

    private static int[] Ids(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();
}

internal sealed record TokenizerCase(string Model, int Index, string Text, int[] Ids, string Decoded);

internal sealed record CompletionCase(string Model, int Index, string Prompt, int[] GeneratedIds, string CompletionText);
