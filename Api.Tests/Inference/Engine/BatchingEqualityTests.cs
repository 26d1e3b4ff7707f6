using Platform.Api.Tests.Support;
using Platform.Inference.Engine;
using Platform.Inference.Models;
using Platform.Inference.Synthetic;

namespace Platform.Api.Tests.Inference.Engine;

/// <summary>
/// Continuous batching must not change what a request gets: 32 concurrent requests of mixed prompt lengths and
/// parameters produce, each, exactly what it produces alone. On fp16 models a near-tie (top-1/top-2 logit gap
/// under 0.01, where batched and unbatched kernels may round differently) may flip a token, so the comparison
/// there stops at the first such step of the request's run alone.
/// </summary>
[Collection(OrtTests.Name)]
public sealed class BatchingEqualityTests(OrtFixture ort)
{
    private const int Requests = 32;
    private const float NearTie = 0.01f;

    // A small prefill budget makes prompts chunk and join a running batch one by one; the default budget prefills
    // most of them together in padded Runs.
    [Theory]
    [InlineData("tiny-random-gpt2", 16)]
    [InlineData("tiny-random-gpt2", 512)]
    [InlineData("synthetic-fp32", 16)]
    [InlineData("synthetic-fp32", 512)]
    [InlineData("synthetic-gqa-fp32", 16)]
    [InlineData("tiny-random-llama", 16)]
    [InlineData("tiny-random-llama", 512)]
    public async Task ConcurrentRequests_EqualTheirRunsAlone(string name, int prefillBudget)
    {
        using var model = Load(name, prefillBudget);
        var exact = model.Pool.Signature.LogitsType == Platform.Inference.Ort.TensorElementType.Float;
        var cases = Cases(model, withLogprobs: !exact);

        var alone = new List<Result>();
        foreach (var item in cases)
        {
            alone.Add(await Run(model, item));
        }

        var batched = await Task.WhenAll(cases.Select(item => Task.Run(() => Run(model, item))));

        var compared = 0;
        for (var i = 0; i < cases.Count; i++)
        {
            if (exact)
            {
                Assert.Equal(alone[i].Tokens, batched[i].Tokens);
                Assert.Equal(alone[i].Text, batched[i].Text);
                Assert.Equal(alone[i].Finish, batched[i].Finish);
                compared += alone[i].Tokens.Count;
            }
            else
            {
                var safe = alone[i].Gaps.FindIndex(g => g < NearTie) is var tie and >= 0 ? tie + 1 : alone[i].Tokens.Count;
                Assert.Equal(alone[i].Tokens.Take(safe), batched[i].Tokens.Take(safe));
                compared += safe;
            }
        }

        // The near-tie rule must not leave the comparison empty.
        Assert.True(compared > Requests, $"{compared} tokens compared");
    }

    [Fact]
    public async Task ConcurrentRequests_ReallyShareDecodeSteps_AndLeaveNothingBehind()
    {
        using var model = Load("tiny-random-gpt2", 16);
        var cases = Cases(model, withLogprobs: false);
        var peak = 0;
        using var watching = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!watching.IsCancellationRequested)
            {
                peak = Math.Max(peak, model.Pool.Workers[0].LastBatchSize);
                await Task.Delay(1);
            }
        });

        await Task.WhenAll(cases.Select(item => Task.Run(() => Run(model, item))));
        await watching.CancelAsync();
        await watcher;

        Assert.True(peak > 1, $"the largest decode step had {peak} sequence(s)");
        Assert.Equal(0, model.Pool.Load.ReservedKvTokens);
    }

    private LoadedModel Load(string name, int prefillBudget)
    {
        if (name.StartsWith("tiny-random", StringComparison.Ordinal))
        {
            return TestModels.LoadShared(ort, name, capacity: Requests, maxTokensPerStep: prefillBudget);
        }

        var spec = name == "synthetic-gqa-fp32" ? SyntheticModelSpec.Tiny(false, 5) with { KvHeads = 1 } : SyntheticModelSpec.Tiny(false, 3);
        var folder = Path.Combine(Path.GetTempPath(), "platform-tests", $"{name}-{Guid.NewGuid():N}");
        SyntheticModelWriter.Write(folder, spec);
        return TestModels.Load(ort, folder, capacity: Requests, maxTokensPerStep: prefillBudget);
    }

    /// <summary>Greedy, seeded sampling, stop sequences, logit bias and penalties, over prompts of 1 to 40 tokens.</summary>
    private static List<Case> Cases(LoadedModel model, bool withLogprobs)
    {
        var random = new Random(1234);
        var vocabulary = model.Pool.Signature.VocabularySize;
        var cases = new List<Case>();
        for (var i = 0; i < Requests; i++)
        {
            var prompt = Enumerable.Range(0, 1 + random.Next(40)).Select(_ => 3 + random.Next(Math.Min(vocabulary, 1000) - 3)).ToArray();
            var options = new GenerationOptions { MaxTokens = 4 + random.Next(28), Temperature = 0f, IgnoreEos = i % 3 == 0, TopLogprobs = withLogprobs ? 2 : null };
            options = (i % 6) switch
            {
                1 => options with { Temperature = 0.9f, TopP = 0.9f, Seed = i },
                2 => options with { Temperature = 1.2f, TopK = 20, Seed = 1000 + i },
                3 => options with { LogitBias = new Dictionary<int, float> { [prompt[0]] = 5f, [prompt[^1]] = -100f } },
                4 => options with { FrequencyPenalty = 1.5f, PresencePenalty = 0.5f },
                _ => options,
            };
            IReadOnlyList<string> stops = i % 4 == 1 ? [" the", "e"] : [];
            cases.Add(new Case(prompt, options, stops));
        }

        return cases;
    }

    private static async Task<Result> Run(LoadedModel model, Case item)
    {
        var tokens = new List<int>();
        var gaps = new List<float>();
        var text = new System.Text.StringBuilder();
        FinishReason? finish = null;
        await foreach (var chunk in model.GenerateTextAsync(item.Prompt, item.Options, item.Stops))
        {
            text.Append(chunk.Text);
            finish = chunk.FinishReason ?? finish;
            foreach (var tokenEvent in chunk.Tokens)
            {
                tokens.Add(tokenEvent.TokenId);
                if (tokenEvent.Logprobs is { Top.Count: >= 2 } logprobs)
                {
                    gaps.Add(logprobs.Top[0].Logprob - logprobs.Top[1].Logprob);
                }
            }
        }

        return new Result(tokens, gaps, text.ToString(), finish);
    }

    private sealed record Case(int[] Prompt, GenerationOptions Options, IReadOnlyList<string> Stops);

    private sealed record Result(List<int> Tokens, List<float> Gaps, string Text, FinishReason? Finish);
}
