using System.Text.Json;
using Json.Schema;
using Platform.Api.Tests.Support;
using Platform.Inference.Engine;
using Platform.Inference.Models;
using Platform.Inference.Synthetic;
using Xunit.Abstractions;

namespace Platform.Api.Tests.Inference.Constraints;

/// <summary>
/// Every output of a constrained generation is valid under its schema, whatever the model writes: random schemas
/// of the supported subset, sampled at temperature 1 with random seeds, on the shared models (byte-level BPE and
/// SentencePiece byte fallback) and the synthetic one, checked by an independent validator (JsonSchema.Net).
/// </summary>
[Collection(OrtTests.Name)]
public sealed class StructuredOutputPropertyTests(OrtFixture ort, ITestOutputHelper output)
{
    private const int RequestsPerModel = 170;

    [Theory]
    [InlineData("tiny-random-gpt2", 1)]
    [InlineData("tiny-random-llama", 2)]
    [InlineData("synthetic", 3)]
    public async Task RandomSchemas_TemperatureOne_EveryOutputValidates(string name, int seed)
    {
        using var model = Load(name);
        var schemas = new RandomSchemas(seed);
        var random = new Random(seed * 7919);
        var prompt = model.Tokenizer.Encode("Answer in JSON:", addSpecialTokens: false).Select(id => id % model.Config.VocabularySize).ToList();
        var requests = Enumerable.Range(0, RequestsPerModel).Select(_ =>
        {
            var (schema, strict) = schemas.Next();
            using var document = JsonDocument.Parse(schema.ToJsonString());
            var constraint = model.Constraints.ForSchema(document.RootElement.Clone(), strict);
            var options = new GenerationOptions
            {
                MaxTokens = constraint.MinTokens + random.Next(0, 48),
                Temperature = 1f,
                Seed = random.NextInt64(),
                Constraint = constraint,
            };
            return (Schema: schema.ToJsonString(), Options: options);
        }).ToList();

        // Several at once, as the batch runs them; each is checked on its own.
        var results = await Task.WhenAll(requests.Select(r => Task.Run(() => Generate(model, prompt, r.Options))));

        var lengths = 0;
        for (var i = 0; i < requests.Count; i++)
        {
            var (text, finish) = results[i];
            Assert.True(finish == FinishReason.Stop, $"request {i} finished with {finish}: {text}");
            var schema = JsonSchema.FromText(requests[i].Schema);
            using var instance = ParseOrFail(text, i);
            var evaluation = schema.Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            Assert.True(evaluation.IsValid, $"request {i}: {text} is not valid under {requests[i].Schema}");
            lengths += text.Length;
        }

        output.WriteLine($"{name}: {requests.Count} outputs valid, {lengths / requests.Count} characters on average");
    }

    [Theory]
    [InlineData("tiny-random-gpt2")]
    [InlineData("tiny-random-llama")]
    public async Task ConstrainedGreedy_Batched_EqualsAlone(string name)
    {
        using var model = Load(name);
        var schemas = new RandomSchemas(99);
        var cases = Enumerable.Range(0, 16).Select(i =>
        {
            var (schema, strict) = schemas.Next();
            using var document = JsonDocument.Parse(schema.ToJsonString());
            var constraint = model.Constraints.ForSchema(document.RootElement.Clone(), strict);
            IReadOnlyList<int> prompt = [.. Enumerable.Range(1, 1 + i).Select(t => (t * 37) % model.Config.VocabularySize)];
            var options = new GenerationOptions { MaxTokens = constraint.MinTokens + 24, Temperature = 0f, Constraint = constraint };

            // Every other request runs unconstrained beside the constrained ones, in the same batched steps.
            return (Prompt: prompt, Options: i % 4 == 3 ? options with { Constraint = null, MaxTokens = 12 } : options);
        }).ToList();

        var alone = new List<(string Text, FinishReason? Finish)>();
        foreach (var item in cases)
        {
            alone.Add(await Generate(model, item.Prompt, item.Options));
        }

        var batched = await Task.WhenAll(cases.Select(item => Task.Run(() => Generate(model, item.Prompt, item.Options))));

        Assert.Equal(alone, batched);
    }

    private static JsonDocument ParseOrFail(string text, int request)
    {
        try
        {
            return JsonDocument.Parse(text);
        }
        catch (JsonException ex)
        {
            throw new Xunit.Sdk.XunitException($"request {request}: {JsonSerializer.Serialize(text)} does not parse: {ex.Message}");
        }
    }

    private static async Task<(string Text, FinishReason? Finish)> Generate(LoadedModel model, IReadOnlyList<int> prompt, GenerationOptions options)
    {
        var text = new System.Text.StringBuilder();
        FinishReason? finish = null;
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await foreach (var chunk in model.GenerateTextAsync(prompt, options, [], cancellationToken: deadline.Token))
        {
            text.Append(chunk.Text);
            finish = chunk.FinishReason ?? finish;
        }

        return (text.ToString(), finish);
    }

    private LoadedModel Load(string name)
    {
        if (name.StartsWith("tiny-random", StringComparison.Ordinal))
        {
            return TestModels.LoadShared(ort, name, capacity: 16);
        }

        var folder = Path.Combine(Path.GetTempPath(), "platform-tests", $"{name}-{Guid.NewGuid():N}");
        SyntheticModelWriter.Write(folder, SyntheticModelSpec.Tiny(false, 3));
        return TestModels.Load(ort, folder, capacity: 16);
    }
}
