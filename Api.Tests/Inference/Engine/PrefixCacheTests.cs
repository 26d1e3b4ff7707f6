using Platform.Api.Tests.Support;
using Platform.Inference.Engine;
using Platform.Inference.Models;
using Platform.Inference.Synthetic;

namespace Platform.Api.Tests.Inference.Engine;

/// <summary>
/// The prefix cache must not change what a request gets: greedy outputs with the cache equal those of the same model
/// loaded without it, exactly on the fp32 models, for shared system prompts, conversations resent with one more
/// turn, prompts that differ only in their last token, and many requests at once; and the cache must really serve
/// (cached tokens reported), stay under its cap, and hold no reference once the engine is idle.
/// </summary>
[Collection(OrtTests.Name)]
public sealed class PrefixCacheTests(OrtFixture ort)
{
    private const float NearTie = 0.01f;

    public static TheoryData<string> ExactModels => ["tiny-random-gpt2", "synthetic-fp32", "synthetic-gqa-fp32"];

    [Theory]
    [MemberData(nameof(ExactModels))]
    public async Task SharedSystemPrompt_GreedyEqualsUncached_AndIsServedFromTheCache(string name)
    {
        var folder = Folder(name);
        using var cached = Load(folder, enabled: true);
        using var plain = Load(folder, enabled: false);
        var system = Tokens(60, seed: 1, cached);
        var prompts = Enumerable.Range(0, 6).Select(i => system.Concat(Tokens(1 + (i * 4), seed: 100 + i, cached)).ToArray()).ToList();

        var served = new List<int>();
        foreach (var prompt in prompts)
        {
            var withCache = await Run(cached, prompt, 12);
            var without = await Run(plain, prompt, 12);
            Assert.Equal(without.Tokens, withCache.Tokens);
            Assert.Equal(0, without.Cached);
            served.Add(withCache.Cached);
        }

        // The first request fills the cache; every later one starts with the system prompt's 3 whole blocks.
        Assert.Equal(0, served[0]);
        Assert.All(served.Skip(1), c => Assert.True(c >= 48, $"{c} cached tokens"));
        await AssertIdle(cached);
    }

    [Theory]
    [MemberData(nameof(ExactModels))]
    public async Task Conversation_ResentEachTurn_GreedyEqualsUncached_AndReusesGeneratedTokens(string name)
    {
        var folder = Folder(name);
        using var cached = Load(folder, enabled: true);
        using var plain = Load(folder, enabled: false);
        var history = Tokens(20, seed: 7, cached).ToList();
        var previousPositions = 0;
        for (var turn = 0; turn < 5; turn++)
        {
            history.AddRange(Tokens(7, seed: 200 + turn, cached));
            var withCache = await Run(cached, [.. history], 10);
            var without = await Run(plain, [.. history], 10);
            Assert.Equal(without.Tokens, withCache.Tokens);
            if (turn > 0)
            {
                // The last turn's prompt and all but its last generated token are in the cache, in whole blocks.
                Assert.True(withCache.Cached >= previousPositions / KvBlock.Size * KvBlock.Size, $"turn {turn}: {withCache.Cached} cached, {previousPositions} positions before");
            }

            previousPositions = history.Count + withCache.Tokens.Count - 1;
            history.AddRange(withCache.Tokens);
        }

        await AssertIdle(cached);
    }

    [Theory]
    [MemberData(nameof(ExactModels))]
    public async Task PromptsDifferingOnlyInTheLastToken_GreedyEqualUncached(string name)
    {
        var folder = Folder(name);
        using var cached = Load(folder, enabled: true);
        using var plain = Load(folder, enabled: false);
        foreach (var length in new[] { 17, 32, 48, 50 })
        {
            var first = Tokens(length, seed: length, cached);
            var second = (int[])first.Clone();
            second[^1] = first[^1] == 10 ? 11 : 10;
            foreach (var prompt in new[] { first, second, first })
            {
                var withCache = await Run(cached, prompt, 8);
                Assert.Equal((await Run(plain, prompt, 8)).Tokens, withCache.Tokens);
                // At least the last prompt token is always prefilled, for its logits.
                Assert.True(withCache.Cached <= (length - 1) / KvBlock.Size * KvBlock.Size, $"{withCache.Cached} cached of {length}");
            }

            // The same prompt again: every whole block before its last token.
            Assert.Equal((length - 1) / KvBlock.Size * KvBlock.Size, (await Run(cached, first, 8)).Cached);
        }

        await AssertIdle(cached);
    }

    [Theory]
    [InlineData("tiny-random-gpt2", 16)]
    [InlineData("tiny-random-gpt2", 512)]
    [InlineData("synthetic-fp32", 16)]
    [InlineData("synthetic-gqa-fp32", 512)]
    public async Task ManyRequestsAtOnce_SharingAPrefix_EqualTheirRunsWithoutCache(string name, int maxTokensPerStep)
    {
        var folder = Folder(name);
        using var cached = Load(folder, enabled: true, maxTokensPerStep: maxTokensPerStep);
        using var plain = Load(folder, enabled: false);
        var system = Tokens(40, seed: 3, cached);
        var prompts = Enumerable.Range(0, 24).Select(i => system.Concat(Tokens(1 + (i % 9), seed: 300 + i, cached)).ToArray()).ToList();
        var expected = new List<List<int>>();
        foreach (var prompt in prompts)
        {
            expected.Add((await Run(plain, prompt, 10)).Tokens);
        }

        // Twice: the first wave finds an empty cache (prompts prefilled together), the second finds the first's blocks.
        for (var wave = 0; wave < 2; wave++)
        {
            var results = await Task.WhenAll(prompts.Select(p => Task.Run(() => Run(cached, p, 10))));
            for (var i = 0; i < prompts.Count; i++)
            {
                Assert.Equal(expected[i], results[i].Tokens);
            }

            if (wave == 1)
            {
                Assert.All(results, r => Assert.True(r.Cached >= 32, $"{r.Cached} cached tokens"));
            }
        }

        await AssertIdle(cached);
    }

    /// <summary>
    /// A prompt served from the cache prefills its rest in a <c>Run</c> of its own, where fresh prompts share one
    /// padded <c>Run</c>: with other prompts waiting to be prefilled, a prompt is served only when more of it is cached
    /// than is left. The prompts arrive while a long prompt is still being prefilled (16 tokens per step), so the
    /// engine sees them waiting together whatever the timing; alone, the same prompt is served.
    /// </summary>
    [Fact]
    public async Task WithOtherPromptsWaiting_APromptIsServedOnlyWhenMoreIsCachedThanLeft()
    {
        var folder = Path.Combine(Path.GetTempPath(), "platform-tests", $"grouping-{Guid.NewGuid():N}");
        SyntheticModelWriter.Write(folder, SyntheticModelSpec.Tiny(false, 3) with { ContextLength = 4096 });
        using var cached = Load(folder, enabled: true, maxTokensPerStep: 16);
        using var plain = Load(folder, enabled: false);
        var worker = cached.Pool.Workers[0];
        var shortPrefix = Tokens(16, seed: 21, cached);
        var longPrefix = Tokens(48, seed: 22, cached);
        await Run(cached, [.. shortPrefix, .. Tokens(5, seed: 23, cached)], 1);
        await Run(cached, [.. longPrefix, .. Tokens(5, seed: 24, cached)], 1);
        await AssertIdle(cached);

        // 1 block cached, 24 tokens left: not served beside others. 3 blocks cached, 8 left: served.
        var mostlyNew = Enumerable.Range(0, 4).Select(i => shortPrefix.Concat(Tokens(24, seed: 30 + i, cached)).ToArray()).ToList();
        var mostlyCached = Enumerable.Range(0, 4).Select(i => longPrefix.Concat(Tokens(8, seed: 40 + i, cached)).ToArray()).ToList();
        var holder = Task.Run(() => Run(cached, Tokens(3000, seed: 25, cached), 1));
        await Poll.UntilAsync(() => worker.KvTokens > 0, "the long prompt's prefill to start");
        var waiting = await Task.WhenAll(mostlyNew.Concat(mostlyCached).Select(p => Task.Run(() => Run(cached, p, 6))));
        await holder;

        Assert.All(waiting.Take(4), r => Assert.Equal(0, r.Cached));
        Assert.All(waiting.Skip(4), r => Assert.Equal(48, r.Cached));
        var all = mostlyNew.Concat(mostlyCached).ToList();
        for (var i = 0; i < all.Count; i++)
        {
            Assert.Equal((await Run(plain, all[i], 6)).Tokens, waiting[i].Tokens);
        }

        // Alone, a prompt with 1 block cached and 24 tokens left is served.
        Assert.Equal(16, (await Run(cached, [.. shortPrefix, .. Tokens(24, seed: 50, cached)], 6)).Cached);
        await AssertIdle(cached);
    }

    [Fact]
    public async Task SmallCap_EvictsLeastRecentlyUsed_StaysUnderIt_AndStillEqualsUncached()
    {
        var folder = Folder("synthetic-fp32");
        // 4 blocks: 512 KV tokens x 0.125.
        using var cached = Load(folder, enabled: true, maxKvTokens: 512, share: 0.125);
        using var plain = Load(folder, enabled: false, maxKvTokens: 512);
        var cache = cached.Pool.Workers[0].PrefixCache!;
        Assert.Equal(4, cache.CapBlocks);
        var prompts = Enumerable.Range(0, 5).Select(i => Tokens(40, seed: 500 + i, cached)).ToList();
        foreach (var prompt in prompts)
        {
            Assert.Equal((await Run(plain, prompt, 10)).Tokens, (await Run(cached, prompt, 10)).Tokens);
            Assert.True(cache.Blocks <= 4, $"{cache.Blocks} blocks");
        }

        Assert.True(cache.Evictions > 0);

        // The last prompt (most recent) is still there; the first was evicted long ago.
        Assert.Equal(32, (await Run(cached, prompts[^1], 10)).Cached);
        var again = await Run(cached, prompts[0], 10);
        Assert.Equal(0, again.Cached);
        Assert.Equal((await Run(plain, prompts[0], 10)).Tokens, again.Tokens);

        // On demand (what the KV budget calls under memory pressure): at least what is asked, then everything.
        await AssertIdle(cached);
        var before = cache.UnusedTokens();
        Assert.True(before > 0);
        Assert.True(cache.Evict(1) >= 1);
        Assert.Equal(before - KvBlock.Size, cache.UnusedTokens());
        cache.Evict(long.MaxValue);
        Assert.Equal(0, cache.UnusedTokens());
        Assert.Equal(0, cache.Blocks);
        Assert.Equal(0, cache.Bytes);
    }

    [Fact]
    public async Task PromptCacheKey_SeparatesNamespaces()
    {
        using var cached = Load(Folder("tiny-random-gpt2"), enabled: true);
        var prompt = Tokens(40, seed: 9, cached);
        Assert.Equal(0, (await Run(cached, prompt, 4, "a")).Cached);
        Assert.Equal(0, (await Run(cached, prompt, 4, "b")).Cached);
        Assert.Equal(0, (await Run(cached, prompt, 4)).Cached);
        Assert.Equal(32, (await Run(cached, prompt, 4, "a")).Cached);
        Assert.Equal(32, (await Run(cached, prompt, 4)).Cached);
    }

    /// <summary>
    /// tiny-random-llama's export takes one new token after a past, not a chunk: a cached prefix is served when the
    /// rest is short, and the rest is fed one token per Run. fp16, so the comparison stops at the first near-tie
    /// (top-1/top-2 logit gap under 0.01) of the uncached run, as the batching test allows.
    /// </summary>
    [Fact]
    public async Task ModelWithoutChunkedPrefill_ServesShortRests_GreedyEqualsUncachedUpToTheFirstNearTie()
    {
        using var cached = TestModels.Load(ort, SharedData.Model("tiny-random-llama"), capacity: 32, prefixCache: new PrefixCacheOptions { Enabled = true });
        using var plain = TestModels.Load(ort, SharedData.Model("tiny-random-llama"), capacity: 32, prefixCache: new PrefixCacheOptions { Enabled = false });
        var system = Tokens(48, seed: 11, cached);
        var compared = 0;
        var served = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            var prompt = system.Concat(Tokens(1 + (i * 9), seed: 300 + i, cached)).ToArray();
            var withCache = await Run(cached, prompt, 12, logprobs: true);
            var without = await Run(plain, prompt, 12, logprobs: true);
            var safe = without.Gaps.FindIndex(g => g < NearTie) is var tie and >= 0 ? tie + 1 : without.Tokens.Count;
            Assert.Equal(without.Tokens.Take(safe), withCache.Tokens.Take(safe));
            compared += safe;
            served.Add(withCache.Cached);
        }

        // Rests of 1 to 46 tokens after the 3 cached blocks: all within the token-by-token bound.
        Assert.Equal(0, served[0]);
        Assert.All(served.Skip(1), c => Assert.Equal(48, c));
        Assert.True(compared > 12, $"{compared} tokens compared");

        // A rest longer than the bound is prefilled whole, from an empty past, and reports no cached tokens.
        var longRest = system.Concat(Tokens(100, seed: 400, cached)).ToArray();
        Assert.Equal(0, (await Run(cached, longRest, 4)).Cached);
        await AssertIdle(cached);
    }

    /// <summary>The last token reaches the consumer just before its sequence leaves, so the engine is given until its deadline to settle.</summary>
    private static async Task AssertIdle(LoadedModel model)
    {
        var worker = model.Pool.Workers[0];
        await Poll.UntilAsync(() => worker.Active == 0 && model.Pool.Load.ReservedKvTokens == 0 && worker.KvTokens == 0, "the engine to be idle");
        Assert.Equal(0, worker.PrefixCache!.ReferencedBlocks);
    }

    private static string Folder(string name)
    {
        if (name.StartsWith("tiny-random", StringComparison.Ordinal))
        {
            return SharedData.Model(name);
        }

        var spec = name == "synthetic-gqa-fp32" ? SyntheticModelSpec.Tiny(false, 5) with { KvHeads = 1 } : SyntheticModelSpec.Tiny(false, 3);
        var folder = Path.Combine(Path.GetTempPath(), "platform-tests", $"{name}-{Guid.NewGuid():N}");
        SyntheticModelWriter.Write(folder, spec);
        return folder;
    }

    private LoadedModel Load(string folder, bool enabled, int maxTokensPerStep = 512, long maxKvTokens = 0, double share = 0.5) =>
        TestModels.Load(ort, folder, capacity: 32, maxKvTokens: maxKvTokens, maxTokensPerStep: maxTokensPerStep, prefixCache: new PrefixCacheOptions { Enabled = enabled, Share = share });

    private static int[] Tokens(int count, int seed, LoadedModel model)
    {
        var random = new Random(seed);
        var vocabulary = Math.Min(model.Pool.Signature.VocabularySize, 1000);
        return [.. Enumerable.Range(0, count).Select(_ => 3 + random.Next(vocabulary - 3))];
    }

    private static async Task<Result> Run(LoadedModel model, int[] prompt, int maxTokens, string? key = null, bool logprobs = false)
    {
        var tokens = new List<int>();
        var gaps = new List<float>();
        var cachedTokens = -1;
        var options = new GenerationOptions { MaxTokens = maxTokens, Temperature = 0f, IgnoreEos = true, PromptCacheKey = key, TopLogprobs = logprobs ? 2 : null };
        await foreach (var tokenEvent in model.Pool.GenerateAsync(new GenerationRequest(prompt, options)))
        {
            tokens.Add(tokenEvent.TokenId);
            if (tokenEvent.Logprobs is { Top.Count: >= 2 } top)
            {
                gaps.Add(top.Top[0].Logprob - top.Top[1].Logprob);
            }

            cachedTokens = cachedTokens < 0 ? tokenEvent.CachedPromptTokens : cachedTokens;
            Assert.Equal(cachedTokens, tokenEvent.CachedPromptTokens);
        }

        return new Result(tokens, gaps, cachedTokens);
    }

    private sealed record Result(List<int> Tokens, List<float> Gaps, int Cached);
}
