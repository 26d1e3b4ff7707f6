using Platform.Api.Tests.Support;
using Platform.Inference.Engine;
using Platform.Inference.Models;
using Platform.Inference.Synthetic;

namespace Platform.Api.Tests.Inference.Engine;

/// <summary>
/// On-demand KV memory under a budget too small for every running sequence to reach its end: sequences are
/// preempted mid-generation and recomputed, and each one's output still equals what it produces alone (which never
/// preempts: prompt + max tokens fits the budget). Its consumer sees only a pause: no error, no repeated token.
/// </summary>
[Collection(OrtTests.Name)]
public sealed class PreemptionTests(OrtFixture ort)
{
    private const int Requests = 8;

    [Theory]
    [InlineData("tiny-random-gpt2")]
    [InlineData("synthetic-fp32")]
    public async Task ConcurrentRequests_PreemptedForKvMemory_EqualTheirRunsAlone(string name)
    {
        // 8 sequences of up to 12 + 40 tokens in a budget of 160: admission lets several in, their growth cannot fit.
        using var model = Load(name, maxKvTokens: 160);
        var cases = Cases(model);

        var alone = new List<List<TokenEvent>>();
        foreach (var request in cases)
        {
            alone.Add(await DeviceWorkerTests.Collect(model.Pool.GenerateAsync(request)));
        }

        Assert.Equal(0, model.Pool.Workers[0].Preemptions);

        // On a busy machine the requests may reach the engine spread out and never overlap enough to need preempting:
        // every wave must equal the runs alone, and at least one of at most 5 must have preempted.
        for (var wave = 0; wave < 5 && model.Pool.Workers[0].Preemptions == 0; wave++)
        {
            var together = await Task.WhenAll(cases.Select(request => Task.Run(() => DeviceWorkerTests.Collect(model.Pool.GenerateAsync(request)))));
            for (var i = 0; i < cases.Count; i++)
            {
                Assert.Equal(alone[i].Select(e => e.TokenId), together[i].Select(e => e.TokenId));
                Assert.Equal(alone[i][^1].FinishReason, together[i][^1].FinishReason);
                Assert.Single(together[i], e => e.FinishReason is not null);
            }
        }

        Assert.True(model.Pool.Workers[0].Preemptions > 0, "no sequence was preempted in 5 waves: the test did not test preemption");

        await Poll.UntilAsync(
            () => model.Pool.Load is { ReservedSequences: 0, ReservedKvTokens: 0, PendingKvTokens: 0, PreemptedSequences: 0, RunningSequences: 0, WaitingSequences: 0, UsedKvTokens: 0 },
            TimeSpan.FromSeconds(30),
            "every sequence, reservation, promise and KV position released");
    }

    [Fact]
    public async Task OnDemand_AdmitsMoreConcurrentSequences_ThanReserveAll()
    {
        // Requests that may write 200 tokens but are cut after 8: reserve-all fits 2 in 480 tokens, on demand many more.
        using var onDemand = Load("tiny-random-gpt2", maxKvTokens: 480);
        using var reserve = Load("tiny-random-gpt2", maxKvTokens: 480, kvAdmission: "reserve");
        var request = new GenerationRequest([464, 68, 100, 318], new GenerationOptions { MaxTokens = 200, Temperature = 0f, IgnoreEos = true });

        Assert.Equal(20, onDemand.Pool.KvTokensFor(request));
        Assert.Equal(204, reserve.Pool.KvTokensFor(request));
        Assert.Equal(2, Admitted(reserve.Pool, reserve.Pool.KvTokensFor(request)));
        Assert.True(Admitted(onDemand.Pool, onDemand.Pool.KvTokensFor(request)) >= 8);

        static int Admitted(DevicePool pool, int kvTokens)
        {
            var held = new List<EngineReservation>();
            while (pool.TryReserve(1, kvTokens) is { } reservation)
            {
                held.Add(reservation);
            }

            held.ForEach(r => r.Dispose());
            return held.Count;
        }

        // A stream cut client-side after 8 tokens gives back everything it held.
        using var cut = new CancellationTokenSource();
        var received = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in onDemand.Pool.GenerateAsync(request, cut.Token))
            {
                if (++received == 8)
                {
                    await cut.CancelAsync();
                }
            }
        });
        await Poll.UntilAsync(() => onDemand.Pool.Load is { ReservedKvTokens: 0, UsedKvTokens: 0, ReservedSequences: 0 }, TimeSpan.FromSeconds(30), "the cut stream's KV released");
    }

    [Fact]
    public async Task GrowingSequence_TakesBlocks_AndHoldsWhatItUses()
    {
        using var model = Load("tiny-random-gpt2", maxKvTokens: 1000);
        var request = new GenerationRequest([464, 68], new GenerationOptions { MaxTokens = 300, Temperature = 0f, IgnoreEos = true });
        using var stop = new CancellationTokenSource();
        var received = 0;
        var checkedAt = new List<(long Held, long Used)>();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in model.Pool.GenerateAsync(request, stop.Token))
            {
                if (++received is 1 or 40)
                {
                    var load = model.Pool.Load;
                    checkedAt.Add((load.ReservedKvTokens, load.UsedKvTokens));
                }

                if (received == 40)
                {
                    await stop.CancelAsync();
                }
            }
        });

        // Whenever read (the loop runs ahead of the reader): what it used, rounded up to a block, never prompt + max tokens.
        foreach (var (held, used) in checkedAt)
        {
            Assert.InRange(held, 2 + KvGrowth.BlockTokens, used + KvGrowth.BlockTokens + 2);
            Assert.True(held < 302, $"held {held}");
        }
    }

    [Fact]
    public void Budget_CountsCachedTokensAsUsed_AndEvictsThemBeforeRefusing()
    {
        using var model = Load("tiny-random-gpt2", maxKvTokens: 200);
        var budget = model.Pool.Workers[0].Budget;

        // A prefix cache of 10 blocks of 16 tokens, none in use, evicted least-recently-used a block at a time.
        var cachedBlocks = 10;
        var evictions = 0;
        budget.CachedKvTokens = () => cachedBlocks * 16L;
        budget.EvictCached = tokens =>
        {
            var blocks = (int)Math.Min(cachedBlocks, (tokens + 15) / 16);
            cachedBlocks -= blocks;
            evictions++;
            return blocks * 16L;
        };

        Assert.Equal(40, budget.FreeKvTokens);
        Assert.Equal(160, model.Pool.Load.CachedKvTokens);
        using var small = model.Pool.TryReserve(1, 30);
        Assert.NotNull(small);
        Assert.Equal(0, evictions);

        // 100 more, and a growth block kept free for the sequence already admitted, do not fit beside 160 cached:
        // 106 are missing, so 7 blocks go, and nothing is refused.
        using var large = model.Pool.TryReserve(1, 100);
        Assert.NotNull(large);
        Assert.Equal(3, cachedBlocks);
        Assert.Equal(1, evictions);

        // Over the budget even with no cache at all: refused without evicting anything.
        Assert.Null(model.Pool.TryReserve(1, 100));
        Assert.Equal(1, evictions);
        Assert.True(budget.TryTake(5));
        budget.Release(0, 5);
    }

    private LoadedModel Load(string name, long maxKvTokens, string kvAdmission = "on-demand")
    {
        if (name.StartsWith("tiny-random", StringComparison.Ordinal))
        {
            return TestModels.LoadShared(ort, name, capacity: Requests, maxKvTokens: maxKvTokens, maxTokensPerStep: 64, kvAdmission: kvAdmission);
        }

        var folder = Path.Combine(Path.GetTempPath(), "platform-tests", $"{name}-{Guid.NewGuid():N}");
        SyntheticModelWriter.Write(folder, SyntheticModelSpec.Tiny(false, 3));
        return TestModels.Load(ort, folder, capacity: Requests, maxKvTokens: maxKvTokens, maxTokensPerStep: 64, kvAdmission: kvAdmission);
    }

    /// <summary>Greedy requests, plus a seeded sampled one and one with penalties (their sampler state must survive a preemption).</summary>
    private static List<GenerationRequest> Cases(LoadedModel model)
    {
        var random = new Random(77);
        var vocabulary = Math.Min(model.Pool.Signature.VocabularySize, 1000);
        var cases = new List<GenerationRequest>();
        for (var i = 0; i < Requests; i++)
        {
            var prompt = Enumerable.Range(0, 4 + random.Next(8)).Select(_ => 3 + random.Next(vocabulary - 3)).ToArray();
            var options = new GenerationOptions { MaxTokens = 30 + random.Next(10), Temperature = 0f, IgnoreEos = true };
            options = i switch
            {
                1 => options with { Temperature = 0.9f, TopP = 0.95f, Seed = 11 },
                2 => options with { FrequencyPenalty = 1.2f, PresencePenalty = 0.4f },
                3 => options with { Temperature = 1.1f, TopK = 30, Seed = 12, FrequencyPenalty = 0.5f },
                _ => options,
            };
            cases.Add(new GenerationRequest(prompt, options));
        }

        return cases;
    }
}
