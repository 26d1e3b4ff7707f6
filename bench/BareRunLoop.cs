using System.Diagnostics;
using Platform.Inference.Engine;
using Platform.Inference.Models;
using Platform.Inference.Ort;

namespace Platform.Bench;

/// <summary>A bare decode loop on an engine's own session: the yardstick for what the engine adds per step.</summary>
internal static class BareRunLoop
{
    /// <summary>
    /// The least a caller must do to decode on an engine's session, timed: prefill the prompt, then per decode step
    /// write the new token and its position into input tensors made once, pass a view of a preallocated all-ones
    /// mask, <c>Run</c> into a logits tensor made once and into views over two sets of KV buffers made for the whole
    /// request (the presents of one step are the pasts of the next, written over the set read the step before, as
    /// the engine does), take the arg-max of the logits. No runner, KV-cache object, sampler, worker thread or
    /// channel, and no allocation per step beyond the views: what the engine adds on top is the overhead. Returns the
    /// seconds of the whole request and of its decode steps alone.
    /// </summary>
    public static (double TotalSeconds, double DecodeSeconds) Run(LoadedModel model, int[] prompt, int decodeSteps)
    {
        var signature = model.Pool.Signature;
        var session = model.Pool.Workers[0].Session;
        var runtime = session.Runtime;
        var runner = new DecoderRunner(session, signature);
        var logits = new float[signature.VocabularySize];
        var names = new List<string> { signature.InputIds };
        using var ids = OrtTensor.Allocate(runtime, signature.IdsType, [1, 1]);
        using var maskBuffer = signature.AttentionMask is null ? null : Integers(runtime, signature.MaskType, [1, prompt.Length + decodeSteps + 1], 1);
        using var positions = signature.PositionIds is null ? null : OrtTensor.Allocate(runtime, signature.PositionType, [1, 1]);
        if (signature.AttentionMask is { } maskName)
        {
            names.Add(maskName);
        }

        if (signature.PositionIds is { } positionsName)
        {
            names.Add(positionsName);
        }

        var fixedInputs = names.Count;
        string[] inputNames = [.. names, .. signature.PastNames];
        string[] outputNames = [signature.Logits, .. signature.PresentNames];
        var inputs = new OrtTensor[inputNames.Length];
        var outputs = new OrtTensor[outputNames.Length];
        var kv = signature.PastNames.Count;
        var whole = signature.PastShape(1, prompt.Length + decodeSteps);
        var sets = new[] { new OrtTensor[kv], new OrtTensor[kv] };
        OrtTensor[] pasts = [];
        using var logitsBuffer = OrtTensor.Allocate(runtime, signature.LogitsType, [1, 1, signature.VocabularySize]);
        var request = Stopwatch.StartNew();
        try
        {
            foreach (var set in sets)
            {
                for (var i = 0; i < kv; i++)
                {
                    set[i] = session.AllocateFromArena(signature.KvType, whole, zeroed: false);
                }
            }

            using var cache = runner.CreateCache();
            runner.Step(prompt, cache, logits);
            var token = Sampler.ArgMax(logits);
            pasts = [.. cache.Tensors];
            var clock = Stopwatch.StartNew();
            for (var step = 0; step < decodeSteps; step++)
            {
                var length = prompt.Length + step;
                Fill(ids, token);
                var slot = 0;
                inputs[slot++] = ids;
                using var mask = maskBuffer is null ? null : OrtTensor.View(runtime, maskBuffer, [1, length + 1]);
                if (mask is not null)
                {
                    inputs[slot++] = mask;
                }

                if (positions is not null)
                {
                    Fill(positions, length);
                    inputs[slot++] = positions;
                }

                pasts.CopyTo(inputs, fixedInputs);
                outputs[0] = logitsBuffer;
                var target = sets[step % 2];
                for (var i = 0; i < kv; i++)
                {
                    outputs[1 + i] = OrtTensor.View(runtime, target[i], signature.PastShape(1, length + 1));
                }

                session.Run(inputNames, inputs, outputNames, outputs);
                token = LastRowArgMax(logitsBuffer, signature.VocabularySize);
                if (step > 0)
                {
                    // The first pasts belong to the cache object; later ones are views of ours.
                    foreach (var tensor in pasts)
                    {
                        tensor.Dispose();
                    }
                }

                Array.Copy(outputs, 1, pasts, 0, kv);
            }

            var seconds = (request.Elapsed.TotalSeconds, clock.Elapsed.TotalSeconds);
            if (decodeSteps > 0)
            {
                foreach (var tensor in pasts)
                {
                    tensor.Dispose();
                }
            }

            return seconds;
        }
        finally
        {
            foreach (var tensor in sets.SelectMany(set => set))
            {
                tensor?.Dispose();
            }
        }
    }

    private static void Fill(OrtTensor tensor, long value)
    {
        if (tensor.ElementType == TensorElementType.Int64)
        {
            tensor.AsSpan<long>().Fill(value);
        }
        else
        {
            tensor.AsSpan<int>().Fill((int)value);
        }
    }

    private static int LastRowArgMax(OrtTensor logits, int vocabulary)
    {
        var offset = (int)(logits.ElementCount / vocabulary - 1) * vocabulary;
        return logits.ElementType == TensorElementType.Float16
            ? LogitsMath.ArgMax(logits.AsSpan<Half>().Slice(offset, vocabulary))
            : LogitsMath.ArgMax(logits.AsSpan<float>().Slice(offset, vocabulary));
    }

    private static OrtTensor Integers(OrtRuntime runtime, TensorElementType type, long[] shape, long value)
    {
        var tensor = OrtTensor.Allocate(runtime, type, shape);
        Fill(tensor, value);
        return tensor;
    }
}
