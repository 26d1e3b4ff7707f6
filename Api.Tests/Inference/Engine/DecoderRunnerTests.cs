using Platform.Api.Tests.Support;
using Platform.Inference.Engine;
using Platform.Inference.Models;
using Platform.Inference.Ort;

namespace Platform.Api.Tests.Inference.Engine;

[Collection(OrtTests.Name)]
public sealed class DecoderRunnerTests(OrtFixture ort)
{
    public static TheoryData<string, int> GreedyCases()
    {
        var data = new TheoryData<string, int>();
        foreach (var vector in ReferenceVectors.Greedy())
        {
            data.Add(vector.Model, vector.Index);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(GreedyCases))]
    public void Step_GreedyWithKvCache_ReproducesReferenceTokens(string model, int index)
    {
        var vector = ReferenceVectors.Greedy().Single(v => v.Model == model && v.Index == index);
        var config = GenAiConfigReader.Read(SharedData.Model(model));
        using var session = ort.Runtime.CreateSession(config.DecoderPath, new SessionSettings());
        var runner = new DecoderRunner(session, DecoderSignature.Bind(config, session));
        using var cache = runner.CreateCache();
        var logits = new float[runner.Signature.VocabularySize];

        var generated = new List<int>();
        ReadOnlySpan<int> next = vector.PromptIds;
        for (var step = 0; step < vector.GeneratedIds.Length; step++)
        {
            runner.Step(next, cache, logits);
            var token = Sampler.ArgMax(logits);
            generated.Add(token);
            next = new[] { token };
        }

        Assert.Equal(vector.GeneratedIds, generated);
    }
}
