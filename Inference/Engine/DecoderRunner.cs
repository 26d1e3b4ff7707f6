using System.Diagnostics;
using Platform.Inference.Models;
using Platform.Inference.Ort;

namespace Platform.Inference.Engine;

/// <summary>
/// Runs one forward step of a decoder for one sequence: new tokens in, the last position's logits out,
/// the KV cache advanced. Only the session's single owner calls it.
/// </summary>
internal sealed partial class DecoderRunner
{
    private readonly OrtSession _session;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly int _fixedInputs;
    private long _runTicks;

    public DecoderRunner(OrtSession session, DecoderSignature signature)
    {
        _session = session;
        Signature = signature;
        var inputs = new List<string> { signature.InputIds };
        if (signature.AttentionMask is { } mask)
        {
            inputs.Add(mask);
        }

        if (signature.PositionIds is { } positions)
        {
            inputs.Add(positions);
        }

        _fixedInputs = inputs.Count;
        inputs.AddRange(signature.PastNames);
        _inputNames = [.. inputs];
        _outputNames = [signature.Logits, .. signature.PresentNames];
    }

    public DecoderSignature Signature { get; }

    /// <summary>Time spent inside ORT's <c>Run</c>, in <see cref="Stopwatch"/> ticks: the rest of a step is our overhead.</summary>
    public long RunTicks => Interlocked.Read(ref _runTicks);

    public OrtSession Session => _session;

    public KvCache CreateCache() => KvCache.Empty(_session.Runtime, Signature);

    /// <summary>Feeds <paramref name="tokens"/> and copies the last position's logits, as float32, into <paramref name="logits"/>.</summary>
    public void Step(ReadOnlySpan<int> tokens, KvCache cache, Span<float> logits)
    {
        using var row = Step(tokens, cache);
        row.CopyTo(logits);
    }

    /// <summary>
    /// Feeds <paramref name="tokens"/> after the cached past, advances the cache, and returns the logits of the
    /// last new position (the caller disposes them).
    /// </summary>
    public LogitsRow Step(ReadOnlySpan<int> tokens, KvCache cache) => Step(tokens, cache, quiet: false);

    // quiet: ORT does not log a failure of this run (a probe that may fail).
    private LogitsRow Step(ReadOnlySpan<int> tokens, KvCache cache, bool quiet)
    {
        var runtime = _session.Runtime;
        var past = cache.Length;
        var count = tokens.Length;
        var inputs = new OrtTensor[_inputNames.Length];
        try
        {
            var slot = 0;
            inputs[slot++] = IdsTensor(runtime, tokens);
            if (Signature.AttentionMask is not null)
            {
                inputs[slot++] = RangeTensor(runtime, Signature.MaskType, past + count, start: 1, step: 0);
            }

            if (Signature.PositionIds is not null)
            {
                inputs[slot++] = RangeTensor(runtime, Signature.PositionType, count, start: past, step: 1);
            }

            for (var i = 0; i < cache.Tensors.Count; i++)
            {
                inputs[_fixedInputs + i] = cache.Tensors[i];
            }

            var started = Stopwatch.GetTimestamp();
            var outputs = _session.Run(_inputNames, inputs, _outputNames, quiet);
            Interlocked.Add(ref _runTicks, Stopwatch.GetTimestamp() - started);
            cache.Replace(outputs[1..], past + count);
            return new LogitsRow(outputs[0], (count - 1) * Signature.VocabularySize, Signature.VocabularySize);
        }
        finally
        {
            // Only the tensors made here; the past belongs to the cache.
            for (var i = 0; i < _fixedInputs; i++)
            {
                inputs[i]?.Dispose();
            }
        }
    }

    private OrtTensor IdsTensor(OrtRuntime runtime, ReadOnlySpan<int> tokens)
    {
        var tensor = OrtTensor.Allocate(runtime, Signature.IdsType, [1, tokens.Length]);
        if (Signature.IdsType == TensorElementType.Int64)
        {
            var span = tensor.AsSpan<long>();
            for (var i = 0; i < tokens.Length; i++)
            {
                span[i] = tokens[i];
            }
        }
        else
        {
            tokens.CopyTo(tensor.AsSpan<int>());
        }

        return tensor;
    }

    /// <summary>A [1, count] tensor of start, start + step, ...: position ids, or an all-ones mask with step 0.</summary>
    private static OrtTensor RangeTensor(OrtRuntime runtime, TensorElementType type, int count, int start, int step)
    {
        var tensor = OrtTensor.Allocate(runtime, type, [1, count]);
        if (type == TensorElementType.Int64)
        {
            var span = tensor.AsSpan<long>();
            for (var i = 0; i < count; i++)
            {
                span[i] = start + ((long)i * step);
            }
        }
        else
        {
            var span = tensor.AsSpan<int>();
            for (var i = 0; i < count; i++)
            {
                span[i] = start + (i * step);
            }
        }

        return tensor;
    }
}
