using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Inference.Engine;
using Platform.Inference.Models;
using Platform.Inference.Ort;

namespace Platform.Bench;

/// <summary>
/// Continuous batching on one model: aggregate generated tokens/s with 1, 4, 16 and 32 concurrent streams, against
/// the same requests served one at a time, each level's time to first token and inter-token latency, and the time
/// of one batched decode step (what bounds the speed-up on a given machine). Each level is measured in two
/// alternating rounds and keeps its better round, so a burst of load from elsewhere on a shared machine hits both sides.
/// A level's inter-token p99 is also compared with the p99 of the same requests served one at a time in both rounds
/// (hundreds of gaps at 16 and 32 streams), where the single stream of the first level has only 31 gaps, so its
/// "p99" is their maximum and moves with any one stall.
/// </summary>
internal sealed class BatchingBenchmark(OrtRuntime runtime, string label, string modelDirectory, int maxTokensPerStep, int[] levels)
{
    private const int PromptTokens = 32;
    private const int Tokens = 32;
    private const int Rounds = 2;

    public IEnumerable<BenchRow> Run()
    {
        var options = new InferenceOptions { ExecutionProvider = ExecutionProviderPreference.Cpu, MaxBatchSize = 32, MaxTokensPerStep = maxTokensPerStep };
        using var model = new ModelLoader(NullLoggerFactory.Instance).Load(modelDirectory, runtime, options, useCuda: false, () => 1);
        var vocabulary = model.Pool.Signature.VocabularySize;
        GenerationRequest Request(int i) => new(
            [.. Enumerable.Range(0, PromptTokens).Select(t => ((t + 1) * 7919 * (i + 1) % (vocabulary - 10)) + 3)],
            new GenerationOptions { MaxTokens = Tokens, Temperature = 0f, IgnoreEos = true });

        Serve(model, [Request(0)]);
        var rows = new List<BenchRow>();
        var singleItl = 0d;
        var name = $"batching {label}";
        foreach (var level in levels)
        {
            var requests = Enumerable.Range(0, level).Select(Request).ToArray();
            var oneAtATime = double.MaxValue;
            var aloneGaps = new List<double>();
            Served? batched = null;
            for (var round = 0; round < Rounds; round++)
            {
                var alone = requests.Select(r => Serve(model, [r])).ToArray();
                aloneGaps.AddRange(alone.SelectMany(s => s.InterToken));
                oneAtATime = Math.Min(oneAtATime, alone.Sum(s => s.Seconds));
                var (stepsBefore, ticksBefore) = model.Pool.Workers[0].DecodeSteps;
                var served = Serve(model, requests);
                var (steps, ticks) = model.Pool.Workers[0].DecodeSteps;
                served = served with { DecodeStep = (double)(ticks - ticksBefore) / Stopwatch.Frequency / Math.Max(1, steps - stepsBefore) };
                if (batched is null || served.Seconds < batched.Seconds)
                {
                    batched = served;
                }
            }

            var generated = (double)level * Tokens;
            var itlP99 = Percentile(batched!.InterToken, 0.99);
            var aloneP99 = Percentile([.. aloneGaps], 0.99);
            if (level == 1)
            {
                singleItl = itlP99;
            }

            var streams = $"{level} stream{(level == 1 ? string.Empty : "s")}, {maxTokensPerStep} tokens/step";
            rows.Add(new BenchRow(name, $"{streams}: continuous batching", generated / batched.Seconds, "tokens/s"));
            rows.Add(new BenchRow(name, $"{streams}: one at a time", generated / oneAtATime, "tokens/s"));
            rows.Add(new BenchRow(name, $"{streams}: throughput over one at a time", oneAtATime / batched.Seconds, "x", level == 16 ? ">= 6x" : string.Empty));
            rows.Add(new BenchRow(name, $"{streams}: TTFT p50", Percentile(batched.FirstToken, 0.5) * 1000, "ms"));
            rows.Add(new BenchRow(name, $"{streams}: TTFT p99", Percentile(batched.FirstToken, 0.99) * 1000, "ms"));
            rows.Add(new BenchRow(name, $"{streams}: inter-token p50", Percentile(batched.InterToken, 0.5) * 1000, "ms"));
            rows.Add(new BenchRow(name, $"{streams}: inter-token p99", itlP99 * 1000, "ms"));
            if (singleItl > 0)
            {
                rows.Add(new BenchRow(name, $"{streams}: inter-token p99 over 1 stream", itlP99 / singleItl, "x"));
            }

            rows.Add(new BenchRow(name, $"{streams}: inter-token p99 one at a time ({aloneGaps.Count} gaps)", aloneP99 * 1000, "ms"));
            rows.Add(new BenchRow(name, $"{streams}: inter-token p99 over the same requests one at a time", itlP99 / aloneP99, "x", level >= 16 ? "< 3x" : string.Empty));

            rows.Add(new BenchRow(name, $"{streams}: one batched decode step (mean)", batched.DecodeStep * 1000, "ms"));
        }

        return rows;
    }

    /// <summary>Starts every request at once and waits for all; times are taken as each consumer receives its tokens.</summary>
    private static Served Serve(LoadedModel model, GenerationRequest[] requests)
    {
        var firstToken = new double[requests.Length];
        var gaps = new List<double>[requests.Length];
        var clock = Stopwatch.StartNew();
        var streams = requests.Select((request, i) => Task.Run(async () =>
        {
            var list = new List<double>(Tokens);
            var last = 0d;
            var count = 0;
            await foreach (var _ in model.Pool.GenerateAsync(request))
            {
                var now = clock.Elapsed.TotalSeconds;
                if (count++ == 0)
                {
                    firstToken[i] = now;
                }
                else
                {
                    list.Add(now - last);
                }

                last = now;
            }

            gaps[i] = list;
        })).ToArray();
        Task.WaitAll(streams);
        return new Served(clock.Elapsed.TotalSeconds, firstToken, [.. gaps.SelectMany(g => g)], 0);
    }

    private static double Percentile(double[] values, double share)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(share * sorted.Length) - 1)];
    }

    private sealed record Served(double Seconds, double[] FirstToken, double[] InterToken, double DecodeStep);
}
