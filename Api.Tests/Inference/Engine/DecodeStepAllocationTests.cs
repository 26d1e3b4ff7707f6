using Platform.Api.Tests.Support;
using Platform.Inference.Engine;
using Platform.Inference.Ort;
using Xunit.Abstractions;

namespace Platform.Api.Tests.Inference.Engine;

/// <summary>
/// What a decode step costs in managed memory. The running batch's steps (every decode the engine runs, at any
/// batch size) allocate nothing between the few steps where the batch's capacity grows: their tensors keep their
/// shapes and stay bound. A sequence stepped on its own cache (a prompt's prefill chunks, a resumed sequence's
/// re-prefill) gets ORT's outputs, new shapes each step, and the managed API's per-call name and handle arrays: a
/// few hundred bytes per bound tensor, independent of the vocabulary and the past length, so a managed copy of a
/// logits row (128 KB on tiny-random-llama) or of the KV cache fails that bound.
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
    public void SingleSequenceStep_AllocatesOnlyOrtWrappers(string model)
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

        AssertBound(model, "own cache", runner, (GC.GetAllocatedBytesForCurrentThread() - before) / Steps, logits.Length);
    }

    [Theory]
    [InlineData("tiny-random-gpt2", 1)]
    [InlineData("tiny-random-gpt2", 2)]
    [InlineData("tiny-random-llama", 1)]
    [InlineData("tiny-random-llama", 2)]
    public void BatchDecodeStep_AllocatesNothingManaged(string model, int rows)
    {
        using var session = SharedRunner.Open(ort.Runtime, model, out var runner, out var contextLength);
        using var batch = new DecodeBatch(runner, contextLength);
        var members = Enumerable.Range(0, rows).Select(row => SharedRunner.Prefilled(runner, [.. Enumerable.Range(1, 4 - row)])).ToList();
        batch.Repack(members);
        var tokens = new int[rows];
        Array.Fill(tokens, 1);
        var lengths = members.Select(m => m.Length).ToArray();
        var (steady, grew) = (0, 0);
        for (var i = 0; i < 8 + Steps; i++)
        {
            var capacity = batch.Capacity;
            var before = GC.GetAllocatedBytesForCurrentThread();
            batch.Step(tokens, lengths);
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            for (var row = 0; row < rows; row++)
            {
                lengths[row]++;
                members[row].Length++;
            }

            if (batch.Capacity != capacity)
            {
                grew++;
            }
            else if (i >= 8)
            {
                // Past the JIT's first calls: a step on tensors that kept their shapes.
                Assert.Equal(0, allocated);
                steady++;
            }
        }

        output.WriteLine($"{model}, {rows} rows: {steady} steady steps allocated 0 bytes; the capacity grew {grew} times");
        Assert.InRange(grew, 1, Steps / DecodeBatch.MinimumSpare);
        foreach (var member in members)
        {
            member.Dispose();
        }

        runner.ReleaseBuffers();
    }

    private OrtSession Open(string model, out DecoderRunner runner) => SharedRunner.Open(ort.Runtime, model, out runner, out _);

    private void AssertBound(string model, string kind, DecoderRunner runner, long perStep, int vocabulary)
    {
        // ids, mask and positions, each past in, logits and each present out.
        var bound = (3 + (2 * runner.Signature.PastNames.Count) + 1) * BytesPerBoundTensor;
        output.WriteLine($"{model} {kind}: {perStep} managed bytes per decode step (bound {bound}, one fp32 logits row {vocabulary * 4L})");
        Assert.InRange(perStep, 0, bound);
    }
}
