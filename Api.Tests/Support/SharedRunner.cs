using Platform.Inference.Engine;
using Platform.Inference.Models;
using Platform.Inference.Ort;

namespace Platform.Api.Tests.Support;

/// <summary>A shared model's session and decoder runner, and sequences prefilled on their own caches, for tests of the batch below the worker.</summary>
internal static class SharedRunner
{
    public static OrtSession Open(OrtRuntime runtime, string model, out DecoderRunner runner, out int contextLength)
    {
        var config = GenAiConfigReader.Read(SharedData.Model(model));
        var session = runtime.CreateSession(config.DecoderPath, new SessionSettings());
        runner = new DecoderRunner(session, DecoderSignature.Bind(config, session));
        contextLength = config.ContextLength;
        return session;
    }

    /// <summary>A sequence prefilled on its own cache, its first token the greedy one.</summary>
    public static Sequence Prefilled(DecoderRunner runner, int[] prompt)
    {
        var sequence = new Sequence(new GenerationRequest(prompt, new GenerationOptions { MaxTokens = 100 }), 1, CancellationToken.None)
        {
            Cache = runner.CreateCache(),
        };
        using (var logits = runner.Step(prompt, sequence.Cache!))
        {
            sequence.LastToken = logits.ArgMax();
        }

        sequence.Length = prompt.Length;
        return sequence;
    }
}
