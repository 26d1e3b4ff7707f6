using Platform.Api.Tests.Support;
using Platform.Inference.Engine;
using Platform.Inference.Models;
using Platform.Inference.Ort;

namespace Platform.Api.Tests.Inference.Engine;

/// <summary>What the load-time probes find decides how a model prefills: in chunks after a past, and several prompts in one padded Run.</summary>
[Collection(OrtTests.Name)]
public sealed class PrefillProbeTests(OrtFixture ort)
{
    [Theory]
    [InlineData("tiny-random-gpt2", true, true)]
    [InlineData("tiny-random-llama", false, true)]
    public void Probes_FindWhatTheExportCanDo(string name, bool chunked, bool batched)
    {
        var config = GenAiConfigReader.Read(SharedData.Model(name));
        using var session = ort.Runtime.CreateSession(config.DecoderPath, new SessionSettings { IntraOpThreads = 1 });
        var runner = new DecoderRunner(session, DecoderSignature.Bind(config, session));

        Assert.True(runner.CanBatch);
        Assert.Equal(chunked, runner.ProbeChunkedPrefill());
        Assert.Equal(batched, runner.ProbeBatchedPrefill());
    }
}
