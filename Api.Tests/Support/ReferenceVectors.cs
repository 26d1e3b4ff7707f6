using System.Text.Json;

namespace Platform.Api.Tests.Support;

/// <summary>Reads the independent implementations' vectors under shared/reference.</summary>
internal static class ReferenceVectors
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true };

    public static IEnumerable<GreedyVector> Greedy()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(SharedData.Reference("greedy-vectors.json")));
        foreach (var model in document.RootElement.GetProperty("models").EnumerateObject())
        {
            var index = 0;
            foreach (var vector in model.Value.EnumerateArray())
            {
                yield return new GreedyVector(
                    model.Name,
                    index++,
                    vector.GetProperty("prompt_ids").Deserialize<int[]>(Options)!,
                    vector.GetProperty("generated_ids").Deserialize<int[]>(Options)!,
                    vector.GetProperty("top1_top2_logit_gaps").Deserialize<double[]>(Options)!);
            }
        }
    }

    public static IEnumerable<CompletionVector> Completions()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(SharedData.Reference("completion-vectors.json")));
        var index = 0;
        foreach (var vector in document.RootElement.GetProperty("completions").EnumerateArray())
        {
            yield return new CompletionVector(
                vector.GetProperty("model").GetString()!,
                index++,
                vector.GetProperty("prompt").GetString()!,
                vector.GetProperty("max_tokens").GetInt32(),
                vector.GetProperty("completion_text").GetString()!,
                vector.GetProperty("generated_ids").Deserialize<int[]>(Options)!);
        }
    }
}

internal sealed record GreedyVector(string Model, int Index, int[] PromptIds, int[] GeneratedIds, double[] Gaps)
{
    public override string ToString() => $"{Model}#{Index}";
}

internal sealed record CompletionVector(string Model, int Index, string Prompt, int MaxTokens, string CompletionText, int[] GeneratedIds)
{
    public override string ToString() => $"{Model}#{Index}";
}
