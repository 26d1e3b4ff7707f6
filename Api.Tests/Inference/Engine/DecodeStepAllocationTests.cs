using Platform.Api.Tests.Support;
using Platform.Inference.Engine;
using Platform.Inference.Models;
using Platform.Inference.Ort;
using Xunit.Abstractions;

namespace Platform.Api.Tests.Inference.Engine;

/// <summary>
/// What a steady-state decode step costs in managed memory. It is not zero: these exports concatenate past and
/// new positions, so every present has a new shape each step and needs a new <c>OrtValue</c> (ORT's output at
/// batch 1, a view over a reused buffer when batched), and the managed ONNX Runtime API builds name and handle
/// arrays per call (see docs/engine.md). The bound is a few hundred bytes per
/// bound tensor, independent of the vocabulary and the past length, so a per-step managed copy of a logits row
/// (128 KB on tiny-random-llama) or of the KV cache fails it.
/// </summary>
[Collection(OrtTests.Name)]
public sealed class DecodeStepAllocationTests(OrtFixture ort, ITestOutputHelper output)
{
    private const int Steps = 64;
    // Measured here: ~250 bytes per bound tensor (an OrtValue wrapper, its shape array, a name's UTF-8 bytes).
    private const long BytesPerBoundTensor = 384;

    [Theory]
    [InlineData("tiny-random-gpt2")]
    [InlineData("tiny-random-llama")]
    public void BatchOneDecodeStep_AllocatesOnlyOrtWrappers(string model)
    {
        using var session = Open(model, out var runner);
        using var cache = runner.CreateCache();
        var logits = new float[runner.Signature.VocabularySize];
        var token = new[] { 1 };
        runner.Step([1, 2, 3], cache, logits);
        for (var i = 0; i < 8; i++)
        {
            runner.Step(token, cache, logits);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Steps; i++)
        {
            runner.Step(token, cache, logits);
        }

        AssertBound(model, "batch 1", runner, (GC.GetAllocatedBytesForCurrentThread() - before) / Steps, logits.Length);
    }

    [Theory]
    [InlineData("tiny-random-gpt2")]
    [InlineData("tiny-random-llama")]
    public void BatchedDecodeStep_AllocatesOnlyOrtWrappers(string model)
    {
        using var session = Open(model, out var runner);
        Assert.True(runner.CanBatch);
        int[] lengths = [3, 2];
        int[] tokens = [1, 1];
        var padded = 3;
        using var prefill = runner.PrefillBatch([[1, 2, 3], [4, 5]], padded, out var prefilled);
        using var swap = new KvSwapBuffers(session, runner.Signature);
        IReadOnlyList<OrtTensor> past = prefilled;
        try
        {
            long before = 0;
            for (var i = 0; i < 8 + Steps; i++)
            {
                if (i == 8)
                {
                    before = GC.GetAllocatedBytesForCurrentThread();
                }

                runner.StepBatch(tokens, lengths, padded, past, swap.Presents(2, padded + 1));
                foreach (var tensor in past)
                {
                    tensor.Dispose();
                }

                past = swap.Swap();
                lengths[0]++;
                lengths[1]++;
                padded++;
            }

            AssertBound(model, "batch 2", runner, (GC.GetAllocatedBytesForCurrentThread() - before) / Steps, runner.Signature.VocabularySize);
        }
        finally
        {
            foreach (var tensor in past)
            {
                tensor.Dispose();
            }

            runner.ReleaseBuffers();
        }
    }

    private OrtSession Open(string model, out DecoderRunner runner)
    {
        var config = GenAiConfigReader.Read(SharedData.Model(model));
        var session = ort.Runtime.CreateSession(config.DecoderPath, new SessionSettings());
        runner = new DecoderRunner(session, DecoderSignature.Bind(config, session));
        return session;
    }

    private void AssertBound(string model, string kind, DecoderRunner runner, long perStep, int vocabulary)
    {
        // ids, mask and positions, each past in, logits and each present out.
        var bound = (3 + (2 * runner.Signature.PastNames.Count) + 1) * BytesPerBoundTensor;
        output.WriteLine($"{model} {kind}: {perStep} managed bytes per decode step (bound {bound}, one fp32 logits row {vocabulary * 4L})");
        Assert.InRange(perStep, 0, bound);
    }
}
