using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Inference.Engine;
using Platform.Inference.Models;
using Platform.Inference.Ort;

namespace Platform.Bench;

/// <summary>
/// The prefix cache on one model, the same folder loaded twice (cache on, cache off), requests alternating between the
/// two in one run so a burst of load from elsewhere hits both sides: the time to first token of requests sharing a
/// 1,000-token system prompt (the first request fills the cache, the later ones are measured); the prefill tokens a
/// 10-turn conversation resent each turn really computes; and what the cache costs when nothing is shared (random
/// prompts: throughput with and without it), while the cache fills and once it is full (the steady state of a
/// server: every new block then reuses an evicted one's storage). The cache's cap is <see cref="Share"/> of the KV
/// budget, so a few rounds of random prompts fill it.
/// </summary>
internal sealed class PrefixCacheBenchmark(OrtRuntime runtime, string label, string modelDirectory)
{
    private const int SystemTokens = 1000;
    private const int TtftRequests = 6;
    private const int Turns = 10;
    private const int MissRounds = 3;
    private const double Share = 0.1;

    public IEnumerable<BenchRow> Run()
    {
        using var on = Load(enabled: true);
        using var off = Load(enabled: false);
        var vocabulary = on.Pool.Signature.VocabularySize;
        var name = $"prefix-cache {label}";
        var rows = new List<BenchRow>();
        rows.AddRange(Ttft(on, off, vocabulary, name));
        rows.AddRange(Conversation(on, off, vocabulary, name));
        rows.AddRange(CostOfAMiss(on, off, vocabulary, name));
        return rows;
    }

    private static IEnumerable<BenchRow> Ttft(LoadedModel on, LoadedModel off, int vocabulary, string name)
    {
        var system = Random(SystemTokens, 1, vocabulary);
        int[] Prompt(int i) => [.. system, .. Random(12 + i, 100 + i, vocabulary)];
        var first = Serve(on, [Prompt(0)], 4);
        var withCache = new List<double>();
        var without = new List<double>();
        var cached = new List<int>();
        for (var i = 1; i <= TtftRequests; i++)
        {
            var hit = Serve(on, [Prompt(i)], 4);
            withCache.Add(hit.FirstToken[0]);
            cached.Add(hit.Cached);
            without.Add(Serve(off, [Prompt(i)], 4).FirstToken[0]);
        }

        var medianOn = Median(withCache);
        var medianOff = Median(without);
        var prefix = $"TTFT, {SystemTokens}-token shared system prompt + short user turn";
        return
        [
            new BenchRow(name, $"{prefix}: first request, cache on (fills it)", first.FirstToken[0] * 1000, "ms"),
            new BenchRow(name, $"{prefix}: later requests, cache on (median of {TtftRequests})", medianOn * 1000, "ms"),
            new BenchRow(name, $"{prefix}: same requests, cache off (median of {TtftRequests})", medianOff * 1000, "ms"),
            new BenchRow(name, $"{prefix}: cache off over cache on", medianOff / medianOn, "x", ">= 5x"),
            new BenchRow(name, $"{prefix}: prompt tokens served from the cache per later request (min)", cached.Min(), "tokens"),
        ];
    }

    /// <summary>Each turn resends the whole history (the model's own replies included, as token ids) plus a new user turn.</summary>
    private static IEnumerable<BenchRow> Conversation(LoadedModel on, LoadedModel off, int vocabulary, string name)
    {
        var computed = new Dictionary<bool, long> { [true] = 0, [false] = 0 };
        var seconds = new Dictionary<bool, double> { [true] = 0, [false] = 0 };
        var histories = new Dictionary<bool, List<int>> { [true] = [.. Random(200, 7, vocabulary)], [false] = [.. Random(200, 7, vocabulary)] };
        for (var turn = 0; turn < Turns; turn++)
        {
            foreach (var cache in new[] { true, false })
            {
                var history = histories[cache];
                history.AddRange(Random(24, 1000 + turn, vocabulary));
                var served = Serve(cache ? on : off, [[.. history]], 32);
                computed[cache] += history.Count - served.Cached;
                seconds[cache] += served.Seconds;
                history.AddRange(served.Tokens[0]);
            }
        }

        var prefix = $"{Turns}-turn conversation resent each turn (200-token system, 24-token user turns, 32-token replies)";
        return
        [
            new BenchRow(name, $"{prefix}: prefill tokens computed, cache on", computed[true], "tokens"),
            new BenchRow(name, $"{prefix}: prefill tokens computed, cache off", computed[false], "tokens"),
            new BenchRow(name, $"{prefix}: prefill tokens, cache off over cache on", (double)computed[false] / computed[true], "x"),
            new BenchRow(name, $"{prefix}: wall time of the {Turns} turns, cache on", seconds[true], "s"),
            new BenchRow(name, $"{prefix}: wall time of the {Turns} turns, cache off", seconds[false], "s"),
        ];
    }

    /// <summary>
    /// 16 random 256-token prompts at once, 16 tokens each: nothing is shared, every prompt is captured. Rounds alternate
    /// on and off (best round per side) until the cache is full, then again once it is.
    /// </summary>
    private static IEnumerable<BenchRow> CostOfAMiss(LoadedModel on, LoadedModel off, int vocabulary, string name)
    {
        const int Requests = 16;
        const int Tokens = 16;
        var cache = on.Pool.Workers[0].PrefixCache!;
        var seed = 10_000;
        var filling = new Dictionary<bool, double> { [true] = double.MaxValue, [false] = double.MaxValue };
        var full = new Dictionary<bool, double> { [true] = double.MaxValue, [false] = double.MaxValue };
        var fillingRounds = 0;
        var fullRounds = 0;
        for (var round = 0; fullRounds < MissRounds; round++)
        {
            var wasFull = cache.Blocks + (Requests * ((256 + Tokens) / 16)) > cache.CapBlocks;
            var best = wasFull ? full : filling;
            foreach (var side in round % 2 == 0 ? new[] { true, false } : [false, true])
            {
                var prompts = Enumerable.Range(0, Requests).Select(_ => Random(256, seed++, vocabulary)).ToArray();
                best[side] = Math.Min(best[side], Serve(side ? on : off, prompts, Tokens).Seconds);
            }

            fullRounds += wasFull ? 1 : 0;
            fillingRounds += wasFull ? 0 : 1;
        }

        var tokens = (double)Requests * (256 + Tokens);
        var prefix = $"cost of a miss ({Requests} random 256-token prompts at once, {Tokens} tokens each)";
        return
        [
            new BenchRow(name, $"{prefix}, cache filling (best of {fillingRounds}): cache on", tokens / filling[true], "tokens/s"),
            new BenchRow(name, $"{prefix}, cache filling (best of {fillingRounds}): cache off", tokens / filling[false], "tokens/s"),
            new BenchRow(name, $"{prefix}, cache filling: throughput lost to the cache", (1 - (filling[false] / filling[true])) * 100, "%"),
            new BenchRow(name, $"{prefix}, cache full (best of {MissRounds}): cache on", tokens / full[true], "tokens/s"),
            new BenchRow(name, $"{prefix}, cache full (best of {MissRounds}): cache off", tokens / full[false], "tokens/s"),
            new BenchRow(name, $"{prefix}, cache full: throughput lost to the cache", (1 - (full[false] / full[true])) * 100, "%", "< 3%"),
            new BenchRow(name, $"{prefix}: blocks evicted", cache.Evictions, "blocks"),
        ];
    }

    private LoadedModel Load(bool enabled)
    {
        var options = new InferenceOptions
        {
            ExecutionProvider = ExecutionProviderPreference.Cpu,
            MaxBatchSize = 32,
            PrefixCache = new PrefixCacheOptions { Enabled = enabled, Share = Share },
        };
        return new ModelLoader(NullLoggerFactory.Instance).Load(modelDirectory, runtime, options, useCuda: false, () => 1);
    }

    private static int[] Random(int count, int seed, int vocabulary)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => 3 + random.Next(vocabulary - 3))];
    }

    /// <summary>Starts every prompt at once (greedy, a fixed length) and waits for all.</summary>
    private static Served Serve(LoadedModel model, int[][] prompts, int maxTokens)
    {
        var firstToken = new double[prompts.Length];
        var tokens = new List<int>[prompts.Length];
        var cached = new int[prompts.Length];
        var clock = Stopwatch.StartNew();
        var options = new GenerationOptions { MaxTokens = maxTokens, Temperature = 0f, IgnoreEos = true };
        var streams = prompts.Select((prompt, i) => Task.Run(async () =>
        {
            var list = new List<int>(maxTokens);
            await foreach (var tokenEvent in model.Pool.GenerateAsync(new GenerationRequest(prompt, options)))
            {
                if (list.Count == 0)
                {
                    firstToken[i] = clock.Elapsed.TotalSeconds;
                    cached[i] = tokenEvent.CachedPromptTokens;
                }

                list.Add(tokenEvent.TokenId);
            }

            tokens[i] = list;
        })).ToArray();
        Task.WaitAll(streams);
        return new Served(clock.Elapsed.TotalSeconds, firstToken, tokens, cached.Min());
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private sealed record Served(double Seconds, double[] FirstToken, List<int>[] Tokens, int Cached);
}
