using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Inference.Engine;
using Platform.Inference.Models;
using Platform.Inference.Ort;

namespace Platform.Bench;

/// <summary>
/// On-demand KV admission against reserve-all at one fixed KV budget: 32 requests of a 32-token prompt with
/// <c>max_tokens</c> 1,024 that stop after 64 tokens (ignore_eos, and the client stops reading at the 64th token,
/// which cancels the sequence and frees its KV), all sent at once through the engine's own admission queue. Reports
/// the most sequences admitted at once (slots reserved), the most decoding together, throughput (tokens received
/// per second of wall time) and preemptions. The two modes run alternately in each of two rounds; each keeps its
/// better round.
/// </summary>
internal sealed class KvAdmissionBenchmark(OrtRuntime runtime, string label, string modelDirectory)
{
    private const int Requests = 32;
    private const int PromptTokens = 32;
    private const int MaxTokens = 1024;
    private const int StopAfter = 64;
    private const long KvBudget = 8192;
    private const int Rounds = 2;

    public IEnumerable<BenchRow> Run()
    {
        var results = new Dictionary<string, Served>();
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var mode in new[] { "on-demand", "reserve" })
            {
                var served = Serve(mode);
                if (!results.TryGetValue(mode, out var best) || served.Seconds < best.Seconds)
                {
                    results[mode] = served;
                }
            }
        }

        var name = $"kv-admission {label}";
        var setup = $"budget {KvBudget} tokens, {Requests} requests of {PromptTokens}+{MaxTokens} cut at {StopAfter}";
        var rows = new List<BenchRow>();
        foreach (var (mode, served) in results)
        {
            rows.Add(new BenchRow(name, $"{mode}: most sequences admitted at once ({setup})", served.PeakAdmitted, "sequences"));
            rows.Add(new BenchRow(name, $"{mode}: largest decode batch", served.PeakBatch, "sequences"));
            rows.Add(new BenchRow(name, $"{mode}: throughput", served.Tokens / served.Seconds, "tokens/s"));
            rows.Add(new BenchRow(name, $"{mode}: wall time", served.Seconds, "s"));
            rows.Add(new BenchRow(name, $"{mode}: preemptions", served.Preemptions, "sequences"));
        }

        var onDemand = results["on-demand"];
        var reserve = results["reserve"];
        rows.Add(new BenchRow(name, "concurrency admitted, on-demand over reserve", (double)onDemand.PeakAdmitted / reserve.PeakAdmitted, "x", ">= 4x"));
        rows.Add(new BenchRow(name, "throughput, on-demand over reserve", reserve.Seconds / onDemand.Seconds, "x"));
        return rows;
    }

    private Served Serve(string mode)
    {
        var options = new InferenceOptions
        {
            ExecutionProvider = ExecutionProviderPreference.Cpu,
            MaxBatchSize = Requests,
            MaxKvTokens = KvBudget,
            KvAdmission = mode,
        };
        using var model = new ModelLoader(NullLoggerFactory.Instance).Load(modelDirectory, runtime, options, useCuda: false, () => 1);
        var vocabulary = model.Pool.Signature.VocabularySize;
        GenerationRequest Request(int i) => new(
            [.. Enumerable.Range(0, PromptTokens).Select(t => ((t + 1) * 7919 * (i + 1) % (vocabulary - 10)) + 3)],
            new GenerationOptions { MaxTokens = MaxTokens, Temperature = 0f, IgnoreEos = true });

        // Warm-up: the first Run of a session pays for its allocations.
        Consume(model, Request(0), 4).GetAwaiter().GetResult();

        var peakAdmitted = 0;
        var peakBatch = 0;
        using var watching = new CancellationTokenSource();
        var watcher = new Thread(() =>
        {
            while (!watching.IsCancellationRequested)
            {
                var load = model.Pool.Load;
                peakAdmitted = Math.Max(peakAdmitted, load.ReservedSequences);
                peakBatch = Math.Max(peakBatch, model.Pool.Workers[0].LastBatchSize);
                Thread.Sleep(1);
            }
        }) { IsBackground = true };
        watcher.Start();

        var preemptionsBefore = model.Pool.Workers[0].Preemptions;
        var clock = Stopwatch.StartNew();
        var received = Task.WhenAll(Enumerable.Range(0, Requests).Select(i => Task.Run(() => Consume(model, Request(i), StopAfter)))).GetAwaiter().GetResult();
        var seconds = clock.Elapsed.TotalSeconds;
        watching.Cancel();
        watcher.Join();
        return new Served(seconds, received.Sum(), peakAdmitted, peakBatch, model.Pool.Workers[0].Preemptions - preemptionsBefore);
    }

    /// <summary>Reads <paramref name="count"/> tokens, then stops reading (which cancels the sequence).</summary>
    private static async Task<int> Consume(LoadedModel model, GenerationRequest request, int count)
    {
        var received = 0;
        await foreach (var _ in model.Pool.GenerateAsync(request))
        {
            if (++received == count)
            {
                break;
            }
        }

        return received;
    }

    private sealed record Served(double Seconds, int Tokens, int PeakAdmitted, int PeakBatch, long Preemptions);
}
