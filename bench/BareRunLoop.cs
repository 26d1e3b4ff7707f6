using System.Diagnostics;
using Platform.Inference.Engine;
using Platform.Inference.Models;
using Platform.Inference.Ort;

namespace Platform.Bench;

/// <summary>A bare decode loop on an engine's own session: the yardstick for what the engine adds per step.</summary>
internal static class BareRunLoop
{
    /// <summary>
    /// The least a caller must do to decode on an engine's session with the engine's KV layout, timed: prefill the
    /// prompt, copy its KV into a past right-padded to a capacity (the engine's rule), bind ids, positions, mask,
    /// past, logits and presents once per capacity, then per decode step write the token, its position and the
    /// mask in place, run the binding, copy the new position from the presents back into the past, take the
    /// arg-max of the logits. No runner, batch, sampler, worker thread or channel, and no allocation between
    /// capacities: what the engine adds on top is the overhead. Returns the seconds of the whole request and of
    /// its decode steps alone; <paramref name="tokens"/>, when given, receives the greedy tokens.
    /// </summary>
    public static (double TotalSeconds, double DecodeSeconds) Run(LoadedModel model, int[] prompt, int decodeSteps, List<int>? tokens = null)
    {
        var signature = model.Pool.Signature;
        var session = model.Pool.Workers[0].Session;
        var runtime = session.Runtime;
        var runner = new DecoderRunner(session, signature);
        var logits = new float[signature.VocabularySize];
        using var ids = OrtTensor.Allocate(runtime, signature.IdsType, [1, 1]);
        using var positions = OrtTensor.Allocate(runtime, signature.PositionType, [1, 1]);
        using var logitsBuffer = OrtTensor.Allocate(runtime, signature.LogitsType, [1, 1, signature.VocabularySize]);
        using var binding = session.CreateBinding();
        OrtTensor[] past = [];
        OrtTensor[] presents = [];
        OrtTensor? mask = null;
        var capacity = 0;
        var request = Stopwatch.StartNew();
        try
        {
            using var cache = runner.CreateCache();
            runner.Step(prompt, cache, logits);
            var token = Sampler.ArgMax(logits);
            tokens?.Add(token);
            var length = prompt.Length;
            var clock = Stopwatch.StartNew();
            for (var step = 0; step < decodeSteps; step++, length++)
            {
                if (length >= capacity)
                {
                    var grown = DecodeBatch.CapacityFor(length, model.Config.ContextLength);
                    var next = Allocate(session, signature, grown, zeroed: true);
                    var from = past.Length == 0 ? cache.Tensors : past;
                    for (var t = 0; t < next.Length; t++)
                    {
                        KvRows.Copy(signature, from[t], 1, 0, past.Length == 0 ? length : capacity, 0, next[t], 1, 0, grown, 0, length);
                    }

                    Release(past);
                    Release(presents);
                    mask?.Dispose();
                    past = next;
                    presents = Allocate(session, signature, grown + 1, zeroed: false);
                    // Zero-filled: ones over the real positions and the new token's, last.
                    mask = OrtTensor.Allocate(runtime, signature.MaskType, [1, grown + 1]);
                    for (var i = 0; i < length; i++)
                    {
                        Fill(mask, i, 1);
                    }

                    Fill(mask, grown, 1);
                    capacity = grown;
                    Bind(binding, signature, ids, mask, positions, past, logitsBuffer, presents);
                }

                Fill(ids, 0, token);
                Fill(positions, 0, length);
                Fill(mask!, length - 1, 1);
                session.Run(binding);
                for (var t = 0; t < past.Length; t++)
                {
                    KvRows.Copy(signature, presents[t], 1, 0, capacity + 1, capacity, past[t], 1, 0, capacity, length, 1);
                }

                token = LastRowArgMax(logitsBuffer, signature.VocabularySize);
                tokens?.Add(token);
            }

            return (request.Elapsed.TotalSeconds, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            binding.Clear();
            Release(past);
            Release(presents);
            mask?.Dispose();
        }
    }

    private static void Bind(OrtBinding binding, DecoderSignature signature, OrtTensor ids, OrtTensor mask, OrtTensor positions, OrtTensor[] past, OrtTensor logits, OrtTensor[] presents)
    {
        binding.Clear();
        binding.Input(signature.InputIds, ids);
        binding.Input(signature.AttentionMask!, mask);
        binding.Input(signature.PositionIds!, positions);
        for (var i = 0; i < past.Length; i++)
        {
            binding.Input(signature.PastNames[i], past[i]);
            binding.Output(signature.PresentNames[i], presents[i]);
        }

        binding.Output(signature.Logits, logits);
    }

    private static void Release(OrtTensor[] tensors)
    {
        foreach (var tensor in tensors)
        {
            tensor.Dispose();
        }
    }

    private static void Fill(OrtTensor tensor, long index, long value)
    {
        if (tensor.ElementType == TensorElementType.Int64)
        {
            tensor.AsSpan<long>()[(int)index] = value;
        }
        else
        {
            tensor.AsSpan<int>()[(int)index] = (int)value;
        }
    }

    private static int LastRowArgMax(OrtTensor logits, int vocabulary)
    {
        var offset = (int)(logits.ElementCount / vocabulary - 1) * vocabulary;
        return logits.ElementType == TensorElementType.Float16
            ? LogitsMath.ArgMax(logits.AsSpan<Half>().Slice(offset, vocabulary))
            : LogitsMath.ArgMax(logits.AsSpan<float>().Slice(offset, vocabulary));
    }

    /// <summary>Batch-1 KV tensors of <paramref name="positions"/> positions, one per past input, from the session's arena.</summary>
    private static OrtTensor[] Allocate(OrtSession session, DecoderSignature signature, int positions, bool zeroed) =>
        [.. signature.PastNames.Select(_ => session.AllocateFromArena(signature.KvType, signature.PastShape(1, positions), zeroed))];
}
