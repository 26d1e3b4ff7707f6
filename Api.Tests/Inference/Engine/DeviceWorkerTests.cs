using Platform.Api.Tests.Support;
using Platform.Inference.Engine;

namespace Platform.Api.Tests.Inference.Engine;

[Collection(OrtTests.Name)]
public sealed class DeviceWorkerTests(OrtFixture ort)
{
    private static readonly GenerationOptions Greedy24 = new() { MaxTokens = 24, Temperature = 0f };

    [Fact]
    public async Task GenerateAsync_ConcurrentGreedyRequests_EachEqualsItsReference()
    {
        using var model = TestModels.LoadShared(ort, "tiny-random-gpt2");
        var vectors = ReferenceVectors.Greedy().Where(v => v.Model == "tiny-random-gpt2").ToList();

        var results = await Task.WhenAll(vectors.Select(v => Collect(model.Pool.GenerateAsync(new GenerationRequest(v.PromptIds, Greedy24)))));

        for (var i = 0; i < vectors.Count; i++)
        {
            Assert.Equal(vectors[i].GeneratedIds, results[i].Select(e => e.TokenId));
            Assert.Equal(FinishReason.Length, results[i][^1].FinishReason);
        }
    }

    [Fact]
    public async Task GenerateAsync_SameSeed_SameTokens_DifferentSeed_DifferentTokens()
    {
        using var model = TestModels.LoadShared(ort, "tiny-random-llama");
        int[] prompt = [1, 15043, 3186];
        GenerationRequest Sampled(long seed) => new(prompt, new GenerationOptions { MaxTokens = 16, Temperature = 1.5f, TopP = 0.95f, TopK = 200, Seed = seed });

        var first = await Collect(model.Pool.GenerateAsync(Sampled(7)));
        var again = await Collect(model.Pool.GenerateAsync(Sampled(7)));
        var other = await Collect(model.Pool.GenerateAsync(Sampled(8)));

        Assert.Equal(first, again);
        Assert.NotEqual(first.Select(e => e.TokenId), other.Select(e => e.TokenId));
    }

    [Fact]
    public async Task GenerateAsync_Cancelled_StopsAndReleasesTheSequence()
    {
        using var model = TestModels.LoadShared(ort, "tiny-random-llama");
        var worker = model.Pool.Workers[0];
        using var cancel = new CancellationTokenSource();
        var received = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            var request = new GenerationRequest([1, 15043], new GenerationOptions { MaxTokens = 1000, Temperature = 0f, IgnoreEos = true });
            await foreach (var _ in model.Pool.GenerateAsync(request, cancel.Token))
            {
                if (++received == 3)
                {
                    await cancel.CancelAsync();
                }
            }
        });

        Assert.Equal(3, received);
        await Poll.UntilAsync(() => worker.Active == 0 && worker.KvTokens == 0, TimeSpan.FromSeconds(30), "worker.Active == 0 && worker.KvTokens == 0");
    }

    [Fact]
    public async Task GenerateAsync_AbandonedEnumeration_ReleasesTheSequence()
    {
        using var model = TestModels.LoadShared(ort, "tiny-random-gpt2");
        var request = new GenerationRequest([464, 68], new GenerationOptions { MaxTokens = 400, Temperature = 0f, IgnoreEos = true });
        await foreach (var _ in model.Pool.GenerateAsync(request))
        {
            break;
        }

        await Poll.UntilAsync(() => model.Pool.Workers[0].Active == 0, TimeSpan.FromSeconds(30), "model.Pool.Workers[0].Active == 0");
    }

    [Fact]
    public async Task GenerateAsync_TokenBeyondModelVocabulary_NamesTheModel()
    {
        using var model = TestModels.LoadShared(ort, "tiny-random-gpt2");

        // The GPT-2 tokenizer knows 50,257 ids but this model's logits have only 1,000 rows.
        var ex = await Assert.ThrowsAsync<InvalidPromptException>(() => Collect(model.Pool.GenerateAsync(new GenerationRequest([15496, 2159], Greedy24))));
        Assert.Contains("tiny-random-gpt2", ex.Message, StringComparison.Ordinal);
        Assert.Contains("15496", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_EndOfSequenceToken_StopsWithStop()
    {
        // Make the model's own greedy continuation (641, then 641 again) an end-of-sequence id.
        var folder = TestModels.CopyWithLinks(SharedData.Model("tiny-random-gpt2"), "genai_config.json");
        var config = File.ReadAllText(Path.Combine(SharedData.Model("tiny-random-gpt2"), "genai_config.json"))
            .Replace("\"eos_token_id\": 98", "\"eos_token_id\": [97, 641]", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(folder, "genai_config.json"), config);
        using var model = TestModels.Load(ort, folder);

        var events = await Collect(model.Pool.GenerateAsync(new GenerationRequest([496, 995], Greedy24)));
        var ignored = await Collect(model.Pool.GenerateAsync(new GenerationRequest([496, 995], Greedy24 with { IgnoreEos = true })));

        Assert.Equal([97, 641], model.Config.EosTokenIds);
        var only = Assert.Single(events);
        Assert.Equal(new TokenEvent(641, FinishReason.Stop), only);
        Assert.True(only.IsEndOfSequence);
        Assert.Equal(24, ignored.Count);
        Assert.Equal(FinishReason.Length, ignored[^1].FinishReason);
    }

    [Fact]
    public async Task GenerateAsync_PromptAtContextLength_StopsWithLength()
    {
        using var model = TestModels.LoadShared(ort, "tiny-random-gpt2");
        var prompt = Enumerable.Repeat(262, model.Config.ContextLength - 2).ToArray();

        var events = await Collect(model.Pool.GenerateAsync(new GenerationRequest(prompt, new GenerationOptions { MaxTokens = 100, Temperature = 0f, IgnoreEos = true })));

        Assert.Equal(3, events.Count);
        Assert.Equal(FinishReason.Length, events[^1].FinishReason);
    }

    [Fact]
    public void Choose_TwoDevices_NewWorkGoesToTheOneWithMoreFreeCapacity()
    {
        using var model = TestModels.LoadShared(ort, "tiny-random-gpt2", devices: 2, capacity: 4);
        Assert.Equal(2, model.Pool.Workers.Count);
        Assert.Equal(0, model.Pool.Choose().DeviceId);

        // Capacity held by a reservation, not by a running sequence, which could finish before the check on a busy machine.
        using var held = model.Pool.TryReserve(1, 402);
        Assert.NotNull(held);
        Assert.Equal(0, held.DeviceId);

        Assert.Equal(1, model.Pool.Choose().DeviceId);
        using var next = model.Pool.TryReserve(1, 402);
        Assert.Equal(1, next?.DeviceId);
    }

    [Fact]
    public async Task GenerateAsync_Logprobs_AreNormalisedAndTopListIsSorted()
    {
        using var model = TestModels.LoadShared(ort, "tiny-random-gpt2");
        var vector = ReferenceVectors.Greedy().First(v => v.Model == "tiny-random-gpt2");
        var options = Greedy24 with { TopLogprobs = 5 };

        var events = await Collect(model.Pool.GenerateAsync(new GenerationRequest(vector.PromptIds, options)));

        // Asking for log-probabilities does not change greedy tokens.
        Assert.Equal(vector.GeneratedIds, events.Select(e => e.TokenId));
        foreach (var tokenEvent in events)
        {
            var logprobs = Assert.IsType<TokenLogprobs>(tokenEvent.Logprobs);
            Assert.Equal(5, logprobs.Top.Count);
            Assert.Equal(tokenEvent.TokenId, logprobs.Top[0].TokenId);
            Assert.Equal(logprobs.Top[0].Logprob, logprobs.Logprob, 5);
            Assert.True(logprobs.Logprob <= 0f);
            Assert.True(logprobs.Top.Zip(logprobs.Top.Skip(1)).All(p => p.First.Logprob >= p.Second.Logprob));
        }
    }

    [Fact]
    public async Task GenerateAsync_LogitBiasAndPenalties_ChangeTheGreedyChoice()
    {
        using var model = TestModels.LoadShared(ort, "tiny-random-gpt2");
        int[] prompt = [496, 995];

        // Greedy repeats 641; banning it must pick something else, and a frequency penalty must break the repetition.
        var banned = await Collect(model.Pool.GenerateAsync(new GenerationRequest(prompt, Greedy24 with { MaxTokens = 4, LogitBias = new Dictionary<int, float> { [641] = -100f } })));
        var penalised = await Collect(model.Pool.GenerateAsync(new GenerationRequest(prompt, Greedy24 with { FrequencyPenalty = 2f })));

        Assert.DoesNotContain(641, banned.Select(e => e.TokenId));
        Assert.True(penalised.Select(e => e.TokenId).Distinct().Count() > 1);
    }

    internal static async Task<List<TokenEvent>> Collect(IAsyncEnumerable<TokenEvent> events)
    {
        var list = new List<TokenEvent>();
        await foreach (var tokenEvent in events)
        {
            list.Add(tokenEvent);
        }

        return list;
    }
}
