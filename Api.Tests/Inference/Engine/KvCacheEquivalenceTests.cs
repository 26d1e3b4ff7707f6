using Platform.Api.Tests.Support;
using Platform.Inference.Engine;
using Platform.Inference.Models;
using Platform.Inference.Ort;
using Platform.Inference.Synthetic;

namespace Platform.Api.Tests.Inference.Engine;

/// <summary>Proof that the KV path is right: greedy decoding with the cache equals greedy decoding by full recompute.</summary>
[Collection(OrtTests.Name)]
public sealed class KvCacheEquivalenceTests(OrtFixture ort)
{
    public static TheoryData<string, bool, int> Specs() => new()
    {
        { "tiny", false, 1 },
        { "tiny", true, 2 },
        { "gqa-1-kv-head", false, 3 },
        { "tiny-default", false, 4 },
    };

    [Theory]
    [MemberData(nameof(Specs))]
    public void Greedy_WithKvCache_EqualsFullRecompute(string shape, bool float16, int seed)
    {
        var spec = shape switch
        {
            "gqa-1-kv-head" => SyntheticModelSpec.Tiny(float16, seed) with { KvHeads = 1 },
            "tiny-default" => SyntheticModelSpec.TinyDefault with { Float16 = float16, Seed = seed },
            _ => SyntheticModelSpec.Tiny(float16, seed),
        };
        var folder = Path.Combine(Path.GetTempPath(), "platform-tests", $"synthetic-{shape}-{float16}-{seed}-{Guid.NewGuid():N}");
        SyntheticModelWriter.Write(folder, spec);
        var config = GenAiConfigReader.Read(folder);
        using var session = ort.Runtime.CreateSession(config.DecoderPath, new SessionSettings { IntraOpThreads = 1 });
        var runner = new DecoderRunner(session, DecoderSignature.Bind(config, session));
        Assert.Equal(float16 ? TensorElementType.Float16 : TensorElementType.Float, runner.Signature.KvType);
        var vocabulary = runner.Signature.VocabularySize;
        int[] prompt = [.. Enumerable.Range(0, 7).Select(i => (i * 37 + seed) % (vocabulary - 3))];
        const int steps = 20;

        var cached = new List<int>();
        var logits = new float[vocabulary];
        using (var cache = runner.CreateCache())
        {
            ReadOnlySpan<int> next = prompt;
            for (var i = 0; i < steps; i++)
            {
                runner.Step(next, cache, logits);
                cached.Add(Sampler.ArgMax(logits));
                next = new[] { cached[^1] };
            }
        }

        var recomputed = new List<int>();
        var sequence = prompt.ToList();
        for (var i = 0; i < steps; i++)
        {
            using var empty = runner.CreateCache();
            runner.Step(sequence.ToArray(), empty, logits);
            recomputed.Add(Sampler.ArgMax(logits));
            sequence.Add(recomputed[^1]);
        }

        Assert.Equal(recomputed, cached);
    }
}
