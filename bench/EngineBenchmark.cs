using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Inference.Engine;
using Platform.Inference.Models;
using Platform.Inference.Native;

namespace Platform.Bench;

/// <summary>
/// Decode speed of one model at batch 1: the engine's KV path against full recompute at the same context, and
/// the engine's per-step cost against a bare <c>Run</c> loop on the same session and inputs.
/// </summary>
internal sealed class EngineBenchmark(OrtRuntime runtime, string label, string modelDirectory)
{
    private const int Context = 256;
    private const int DecodeSteps = 32;

    public IEnumerable<BenchRow> Run()
    {
        var options = new InferenceOptions { ExecutionProvider = ExecutionProviderPreference.Cpu, IntraOpThreads = 0 };
        using var model = new ModelLoader(NullLoggerFactory.Instance).Load(modelDirectory, runtime, options, useCuda: false, () => 1);
        var vocabulary = model.Pool.Signature.VocabularySize;
        var prompt = Enumerable.Range(0, Context).Select(i => (i * 7919 % (vocabulary - 10)) + 3).ToArray();

        var engineStep = EngineDecodeSeconds(model, prompt);
        var recomputeStep = RecomputeSeconds(model, prompt);
        var bareStep = BareRunSeconds(model, prompt);
        var overhead = (engineStep - bareStep) / bareStep * 100;
        var speedup = recomputeStep / engineStep;

        yield return new BenchRow($"decode {label}", "KV path, batch 1, context 256", 1 / engineStep, "tokens/s");
        yield return new BenchRow($"decode {label}", "full recompute, context 256", 1 / recomputeStep, "tokens/s");
        yield return new BenchRow($"decode {label}", "KV speed-up over recompute", speedup, "x", ">= 10x");
        yield return new BenchRow($"decode {label}", "bare Run loop, same session", 1 / bareStep, "steps/s");
        yield return new BenchRow($"decode {label}", "engine overhead per step over bare Run", overhead, "%", "< 10%");
    }

    /// <summary>Seconds per decode step through the whole engine: worker thread, sampler, channel, async stream.</summary>
    private static double EngineDecodeSeconds(LoadedModel model, int[] prompt)
    {
        // Warm-up, then time the decode steps only (the prefill's token arrives first and starts the clock).
        Generate(model, prompt, 4);
        var best = double.MaxValue;
        for (var round = 0; round < 3; round++)
        {
            best = Math.Min(best, Generate(model, prompt, DecodeSteps + 1) / DecodeSteps);
        }

        return best;
    }

    private static double Generate(LoadedModel model, int[] prompt, int tokens)
    {
        var request = new GenerationRequest(prompt, new GenerationOptions { MaxTokens = tokens, Temperature = 0f, IgnoreEos = true });
        return Task.Run(async () =>
        {
            Stopwatch? clock = null;
            await foreach (var _ in model.Pool.GenerateAsync(request))
            {
                clock ??= Stopwatch.StartNew();
            }

            return clock!.Elapsed.TotalSeconds;
        }).GetAwaiter().GetResult();
    }

    /// <summary>Seconds per token when every step recomputes the whole sequence without a KV cache.</summary>
    private static double RecomputeSeconds(LoadedModel model, int[] prompt)
    {
        var runner = new DecoderRunner(model.Pool.Workers[0].Session, model.Pool.Signature);
        var logits = new float[model.Pool.Signature.VocabularySize];
        var sequence = prompt.ToList();
        const int steps = 8;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < steps; i++)
        {
            using var cache = runner.CreateCache();
            runner.Step(sequence.ToArray(), cache, logits);
            sequence.Add(Sampler.ArgMax(logits));
        }

        return clock.Elapsed.TotalSeconds / steps;
    }

    /// <summary>Seconds per bare <c>Run</c> of one decode step at context 256, inputs prepared once, outputs released.</summary>
    private static double BareRunSeconds(LoadedModel model, int[] prompt)
    {
        var signature = model.Pool.Signature;
        var session = model.Pool.Workers[0].Session;
        var runner = new DecoderRunner(session, signature);
        using var cache = runner.CreateCache();
        runner.Step(prompt, cache, new float[signature.VocabularySize]);

        var names = new List<string> { signature.InputIds };
        var inputs = new List<OrtTensor> { Integers(session.Runtime, signature.IdsType, [1, 1], 5) };
        if (signature.AttentionMask is { } mask)
        {
            names.Add(mask);
            inputs.Add(Integers(session.Runtime, signature.MaskType, [1, Context + 1], 1));
        }

        if (signature.PositionIds is { } positions)
        {
            names.Add(positions);
            inputs.Add(Integers(session.Runtime, signature.PositionType, [1, 1], Context));
        }

        var owned = inputs.Count;
        names.AddRange(signature.PastNames);
        inputs.AddRange(cache.Tensors);
        string[] outputs = [signature.Logits, .. signature.PresentNames];
        string[] inputNames = [.. names];
        OrtTensor[] inputValues = [.. inputs];

        void RunOnce()
        {
            foreach (var output in session.Run(inputNames, inputValues, outputs))
            {
                output.Dispose();
            }
        }

        for (var i = 0; i < 4; i++)
        {
            RunOnce();
        }

        var best = double.MaxValue;
        for (var round = 0; round < 3; round++)
        {
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < DecodeSteps; i++)
            {
                RunOnce();
            }

            best = Math.Min(best, clock.Elapsed.TotalSeconds / DecodeSteps);
        }

        for (var i = 0; i < owned; i++)
        {
            inputValues[i].Dispose();
        }

        return best;
    }

    private static OrtTensor Integers(OrtRuntime runtime, TensorElementType type, long[] shape, long value)
    {
        var tensor = OrtTensor.Allocate(runtime, type, shape);
        if (type == TensorElementType.Int64)
        {
            tensor.AsSpan<long>().Fill(value);
        }
        else
        {
            tensor.AsSpan<int>().Fill((int)value);
        }

        return tensor;
    }
}
