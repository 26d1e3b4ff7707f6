using Platform.Api.Tests.Support;
using Platform.Inference.Engine;
using Platform.Inference.Models;
using Platform.Inference.Ort;

namespace Platform.Api.Tests.Inference.Engine;

[Collection(OrtTests.Name)]
public sealed class KvSwapBuffersTests(OrtFixture ort) : IDisposable
{
    private readonly OrtSession _session = ort.Runtime.CreateSession(GenAiConfigReader.Read(SharedData.Model("tiny-random-gpt2")).DecoderPath, new SessionSettings());

    private DecoderSignature Signature => DecoderSignature.Bind(GenAiConfigReader.Read(SharedData.Model("tiny-random-gpt2")), _session);

    [Fact]
    public void Presents_AreShapedForTheStep_AndNeverOverwriteThePastTheyFollow()
    {
        var signature = Signature;
        using var swap = new KvSwapBuffers(_session, signature);
        var first = swap.Presents(batch: 2, length: 5);
        Assert.Equal(signature.PastNames.Count, first.Count);
        Assert.All(first, t => Assert.Equal(signature.PastShape(2, 5), t.Shape));
        foreach (var tensor in first)
        {
            tensor.AsSpan<float>().Fill(1f);
        }

        var past = swap.Swap();
        Assert.Same(first, past);

        // The next step writes its presents while it still reads this past: they must lie in other memory.
        var second = swap.Presents(batch: 2, length: 6);
        foreach (var tensor in second)
        {
            tensor.AsSpan<float>().Fill(2f);
        }

        Assert.All(past, t => Assert.All(t.AsSpan<float>().ToArray(), v => Assert.Equal(1f, v)));
        foreach (var tensor in past)
        {
            tensor.Dispose();
        }

        // Two steps on, the first set takes the presents again.
        var third = swap.Swap();
        var fourth = swap.Presents(batch: 2, length: 7);
        fourth[0].AsSpan<float>().Fill(3f);
        Assert.All(third[0].AsSpan<float>().ToArray(), v => Assert.Equal(2f, v));
    }

    [Fact]
    public void Sets_GrowPastTheirSpare_AndShrinkWhenTheBatchDoes()
    {
        var signature = Signature;
        using var swap = new KvSwapBuffers(_session, signature);
        long Elements(int batch, int length) => signature.PastShape(batch, length).Aggregate(1L, (a, b) => a * b);

        swap.Presents(batch: 1, length: 10);
        var roomy = swap.BackCapacity;
        Assert.Equal(Elements(1, 10 + KvSwapBuffers.MinimumSpare), roomy);

        // Still fits: the same buffers, no new allocation.
        swap.Presents(batch: 1, length: 10 + KvSwapBuffers.MinimumSpare);
        Assert.Equal(roomy, swap.BackCapacity);

        swap.Presents(batch: 1, length: 11 + KvSwapBuffers.MinimumSpare);
        Assert.True(swap.BackCapacity >= Elements(1, 11 + KvSwapBuffers.MinimumSpare));

        swap.Presents(batch: 8, length: 200);
        Assert.Equal(Elements(8, 200 + 25), swap.BackCapacity);

        // A batch that shrank to one short row does not keep eight long ones.
        swap.Presents(batch: 1, length: 20);
        Assert.Equal(Elements(1, 20 + KvSwapBuffers.MinimumSpare), swap.BackCapacity);
    }

    [Fact]
    public void Swap_WithoutPresents_Throws_AndClear_FreesBothSets()
    {
        using var swap = new KvSwapBuffers(_session, Signature);
        Assert.Throws<InvalidOperationException>(() => swap.Swap());
        swap.Presents(batch: 1, length: 4);
        swap.Clear();
        Assert.Equal(0, swap.BackCapacity);
        Assert.Throws<InvalidOperationException>(() => swap.Swap());
    }

    public void Dispose() => _session.Dispose();
}
