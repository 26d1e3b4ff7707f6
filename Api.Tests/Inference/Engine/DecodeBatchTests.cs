using Platform.Api.Tests.Support;
using Platform.Inference.Engine;
using Platform.Inference.Ort;

namespace Platform.Api.Tests.Inference.Engine;

/// <summary>
/// The running batch's right-padded layout: each row decodes as the same sequence does on its own cache, through
/// the capacity growing and members leaving, and an emptied batch holds nothing.
/// </summary>
[Collection(OrtTests.Name)]
public sealed class DecodeBatchTests(OrtFixture ort)
{
    private const int Steps = 40;

    [Theory]
    [InlineData("tiny-random-gpt2")]
    [InlineData("tiny-random-llama")]
    public void Rows_DecodeAsEachSequenceAlone_ThroughGrowthAndALeaver(string model)
    {
        using var session = Open(model, out var runner, out var contextLength);
        int[][] prompts = [[5, 6, 7, 8, 9, 10, 11], [12, 13], [14, 15, 16, 17]];
        var alone = prompts.Select(p => Alone(runner, p, Steps)).ToArray();

        using var batch = new DecodeBatch(runner, contextLength);
        var members = prompts.Select(p => SharedRunner.Prefilled(runner, p)).ToList();
        var generated = members.Select(m => new List<int> { m.LastToken }).ToList();
        batch.Repack(members);
        var capacities = new HashSet<int> { batch.Capacity };
        for (var step = 0; step < Steps; step++)
        {
            if (step == Steps / 2)
            {
                // The middle row leaves: the others are copied into a batch of two and go on exactly.
                members.RemoveAt(1);
                generated.RemoveAt(1);
                batch.Repack(members);
                Assert.Equal(2, batch.Count);
            }

            var tokens = members.Select(m => m.LastToken).ToArray();
            var lengths = members.Select(m => m.Length).ToArray();
            var logits = batch.Step(tokens, lengths);
            capacities.Add(batch.Capacity);
            var vocabulary = runner.Signature.VocabularySize;
            for (var row = 0; row < members.Count; row++)
            {
                Assert.True(batch.Capacity > members[row].Length, "a row's real positions and its new one fit");
                var next = new LogitsRow(logits, row * vocabulary, vocabulary).ArgMax();
                members[row].Length++;
                members[row].LastToken = next;
                generated[row].Add(next);
            }
        }

        Assert.True(capacities.Count >= 2, "the capacity grew during the run");
        Assert.Equal(alone[0], generated[0]);
        Assert.Equal(alone[2], generated[1]);
        batch.Clear();
        Assert.Equal(0, batch.Capacity);
        Assert.Equal(0, batch.Count);
        runner.ReleaseBuffers();
    }

    [Fact]
    public void Capacity_StopsAtTheContext_AndTheLastStepsDecodeAsAlone()
    {
        using var session = Open("tiny-random-gpt2", out var runner, out var contextLength);
        int[][] prompts = [[.. Enumerable.Range(0, contextLength - 7).Select(i => 3 + (i % 90))], [.. Enumerable.Range(0, contextLength - 12).Select(i => 5 + (i % 70))]];
        using var batch = new DecodeBatch(runner, contextLength);
        var members = prompts.Select(p => SharedRunner.Prefilled(runner, p)).ToList();
        batch.Repack(members);
        Assert.Equal(contextLength, batch.Capacity);
        var generated = members.Select(m => new List<int> { m.LastToken }).ToList();

        // Up to the step whose past is the context less one: the last a sequence takes.
        while (members[0].Length < contextLength)
        {
            var logits = batch.Step([.. members.Select(m => m.LastToken)], [.. members.Select(m => m.Length)]);
            Assert.Equal(contextLength, batch.Capacity);
            var vocabulary = runner.Signature.VocabularySize;
            for (var row = 0; row < members.Count; row++)
            {
                var next = new LogitsRow(logits, row * vocabulary, vocabulary).ArgMax();
                members[row].Length++;
                members[row].LastToken = next;
                generated[row].Add(next);
            }
        }

        Assert.Equal(Alone(runner, prompts[0], 7), generated[0]);
        Assert.Equal(Alone(runner, prompts[1], 7), generated[1]);
        batch.Clear();
        runner.ReleaseBuffers();
    }

    [Fact]
    public void Source_ShowsARowsRealPositionsFromTheStart()
    {
        using var session = Open("tiny-random-gpt2", out var runner, out var contextLength);
        using var batch = new DecodeBatch(runner, contextLength);
        var member = SharedRunner.Prefilled(runner, [1, 2, 3]);
        var headSize = runner.Signature.HeadSize;
        var expected = member.Cache!.Tensors[0].AsSpan<float>()[..(3 * headSize)].ToArray();
        batch.Repack([member]);
        var source = batch.Source(0);
        Assert.Equal((1, 0, batch.Capacity, 0), (source.Batch, source.Row, source.Padded, source.Offset));

        // The first past tensor's first head: the prompt's three positions, then zeros.
        var row = source.Tensors[0].AsSpan<float>()[..(batch.Capacity * headSize)];
        Assert.Equal(expected, row[..(3 * headSize)].ToArray());
        Assert.All(row[(3 * headSize)..].ToArray(), value => Assert.Equal(0f, value));
        batch.Clear();
        runner.ReleaseBuffers();
    }

    private OrtSession Open(string model, out DecoderRunner runner, out int contextLength) => SharedRunner.Open(ort.Runtime, model, out runner, out contextLength);

    /// <summary>Greedy tokens of a sequence on its own cache: the first from the prefill, then one per step.</summary>
    private static List<int> Alone(DecoderRunner runner, int[] prompt, int steps)
    {
        using var cache = runner.CreateCache();
        var tokens = new List<int>();
        using (var logits = runner.Step(prompt, cache))
        {
            tokens.Add(logits.ArgMax());
        }

        for (var i = 0; i < steps; i++)
        {
            using var logits = runner.Step([tokens[^1]], cache);
            tokens.Add(logits.ArgMax());
        }

        return tokens;
    }
}
