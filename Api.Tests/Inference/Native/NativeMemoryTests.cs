using System.Globalization;
using Platform.Api.Tests.Support;
using Platform.Inference.Engine;
using Platform.Inference.Models;
using Platform.Inference.Native;

namespace Platform.Api.Tests.Inference.Native;

/// <summary>
/// 10,000 real inferences must not grow memory: every tensor, output value, name string and KV cache is released.
/// Bound: after a 2,000-run warm-up, resident memory grows by less than 8 MiB and the managed heap by less than
/// 1 MiB over the next 10,000 runs. One leaked logits output of tiny-random-llama alone (64 KB a run) would be 640 MB.
/// </summary>
[Collection(OrtTests.Name)]
public sealed class NativeMemoryTests(OrtFixture ort)
{
    private const long ResidentBound = 8L * 1024 * 1024;
    private const long ManagedBound = 1L * 1024 * 1024;

    [Fact]
    public void Step_TenThousandInferences_MemoryStaysFlat()
    {
        var config = GenAiConfigReader.Read(SharedData.Model("tiny-random-llama"));
        using var session = ort.Runtime.CreateSession(config.DecoderPath, new SessionSettings { IntraOpThreads = 1 });
        var runner = new DecoderRunner(session, DecoderSignature.Bind(config, session));
        var logits = new float[runner.Signature.VocabularySize];

        RunInferences(runner, logits, 2_000);
        var (residentBefore, managedBefore) = Measure();
        RunInferences(runner, logits, 10_000);
        var (residentAfter, managedAfter) = Measure();

        Assert.True(residentAfter - residentBefore < ResidentBound, $"RSS grew by {(residentAfter - residentBefore) / 1024} KiB over 10,000 inferences");
        Assert.True(managedAfter - managedBefore < ManagedBound, $"managed heap grew by {(managedAfter - managedBefore) / 1024} KiB over 10,000 inferences");
    }

    private static void RunInferences(DecoderRunner runner, float[] logits, int count)
    {
        // A new sequence every 10 steps: prefill, nine decode steps, then its KV cache is released.
        KvCache? cache = null;
        int[] prompt = [1, 15043, 3186];
        for (var i = 0; i < count; i++)
        {
            if (i % 10 == 0)
            {
                cache?.Dispose();
                cache = runner.CreateCache();
                runner.Step(prompt, cache, logits);
            }
            else
            {
                runner.Step([Sampler.ArgMax(logits)], cache!, logits);
            }
        }

        cache?.Dispose();
    }

    private static (long Resident, long Managed) Measure()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var managed = GC.GetTotalMemory(forceFullCollection: true);
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var kilobytes = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return (kilobytes * 1024, managed);
    }
}
