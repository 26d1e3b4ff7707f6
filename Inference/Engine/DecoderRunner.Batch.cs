using System.Diagnostics;
using Platform.Inference.Ort;

namespace Platform.Inference.Engine;

internal sealed partial class DecoderRunner
{
    private OrtTensor? _batchIds;
    private OrtTensor? _batchPositions;
    private OrtTensor? _maskBuffer;
    private OrtTensor? _batchLogits;
    private OrtTensor[]? _batchInputs;
    private OrtTensor[]? _batchOutputs;
    private int _inputBatch;

    /// <summary>Whether sequences of different lengths can share a step: the model must take a mask and per-sequence positions.</summary>
    public bool CanBatch => Signature.AttentionMask is not null && Signature.PositionIds is not null;

    /// <summary>
    /// Whether the model takes several new tokens after a non-empty past (chunked prefill). Some exports cannot
    /// (e.g. a mask subgraph that expands to the new length only when the past is empty); they prefill whole prompts.
    /// </summary>
    public bool ProbeChunkedPrefill()
    {
        try
        {
            using var cache = CreateCache();
            using (Step([0, 0], cache, quiet: true))
            {
            }

            using (Step([0, 0], cache, quiet: true))
            {
            }

            return true;
        }
        catch (OrtException)
        {
            return false;
        }
    }

    /// <summary>Frees the reusable step inputs; the session belongs to the caller.</summary>
    public void ReleaseBuffers()
    {
        _batchIds?.Dispose();
        _batchPositions?.Dispose();
        _maskBuffer?.Dispose();
        _batchLogits?.Dispose();
        _batchIds = _batchPositions = _maskBuffer = _batchLogits = null;
        _inputBatch = 0;
    }

    /// <summary>
    /// Decodes one token for each row of a batch whose pasts are left-padded to <paramref name="paddedLength"/>:
    /// row i holds <paramref name="lengths"/>[i] real positions at the end of its past, the padding before them is
    /// masked out, and the new token sits at position lengths[i]. Writes the presents (the next step's past, padded
    /// to <paramref name="paddedLength"/> + 1) into <paramref name="presents"/> and returns the logits
    /// <c>[batch, 1, vocab]</c>, which belong to the runner and hold until its next step.
    /// </summary>
    public OrtTensor StepBatch(ReadOnlySpan<int> tokens, ReadOnlySpan<int> lengths, int paddedLength, IReadOnlyList<OrtTensor> past, IReadOnlyList<OrtTensor> presents)
    {
        var runtime = _session.Runtime;
        var batch = tokens.Length;
        if (batch != _inputBatch)
        {
            // Ids, positions and logits keep their shape while the batch does: rewritten in place, not reallocated, each step.
            _batchIds?.Dispose();
            _batchPositions?.Dispose();
            _batchLogits?.Dispose();
            _batchIds = OrtTensor.Allocate(runtime, Signature.IdsType, [batch, 1]);
            _batchPositions = OrtTensor.Allocate(runtime, Signature.PositionType, [batch, 1]);
            _batchLogits = OrtTensor.Allocate(runtime, Signature.LogitsType, [batch, 1, Signature.VocabularySize]);
            _inputBatch = batch;
        }

        Fill(_batchIds!, tokens);
        Fill(_batchPositions!, lengths);
        var inputs = _batchInputs ??= new OrtTensor[_inputNames.Length];
        var outputs = _batchOutputs ??= new OrtTensor[_outputNames.Length];
        using var mask = MaskTensor(runtime, lengths, paddedLength);
        inputs[0] = _batchIds!;
        inputs[1] = mask;
        inputs[2] = _batchPositions!;
        for (var i = 0; i < past.Count; i++)
        {
            inputs[_fixedInputs + i] = past[i];
        }

        outputs[0] = _batchLogits!;
        for (var i = 0; i < presents.Count; i++)
        {
            outputs[1 + i] = presents[i];
        }

        var started = Stopwatch.GetTimestamp();
        _session.Run(_inputNames, inputs, _outputNames, outputs);
        Interlocked.Add(ref _runTicks, Stopwatch.GetTimestamp() - started);
        return _batchLogits!;
    }

    /// <summary>
    /// Prefills several whole prompts in one <c>Run</c> from an empty past: each row left-padded to the longest
    /// prompt, the padding masked out, positions counted from each prompt's first token. Returns the logits
    /// <c>[batch, longest, vocab]</c> and the presents, left-padded like a running batch's past; the caller disposes both.
    /// </summary>
    public OrtTensor PrefillBatch(IReadOnlyList<int[]> prompts, int longest, out OrtTensor[] presents) => PrefillBatch(prompts, longest, out presents, quiet: false);

    /// <summary>Whether the model prefills left-padded prompts of different lengths in one <c>Run</c>.</summary>
    public bool ProbeBatchedPrefill()
    {
        try
        {
            using var logits = PrefillBatch([[0, 0], [0]], 2, out var presents, quiet: true);
            foreach (var present in presents)
            {
                present.Dispose();
            }

            return true;
        }
        catch (OrtException)
        {
            return false;
        }
    }

    private OrtTensor PrefillBatch(IReadOnlyList<int[]> prompts, int longest, out OrtTensor[] presents, bool quiet)
    {
        var runtime = _session.Runtime;
        var batch = prompts.Count;
        var inputs = new OrtTensor[_inputNames.Length];
        try
        {
            inputs[0] = OrtTensor.Allocate(runtime, Signature.IdsType, [batch, longest]);
            inputs[1] = OrtTensor.Allocate(runtime, Signature.MaskType, [batch, longest]);
            inputs[2] = OrtTensor.Allocate(runtime, Signature.PositionType, [batch, longest]);
            for (var row = 0; row < batch; row++)
            {
                var prompt = prompts[row];
                var padding = longest - prompt.Length;
                for (var column = 0; column < prompt.Length; column++)
                {
                    var at = (row * longest) + padding + column;
                    Set(inputs[0], at, prompt[column]);
                    Set(inputs[1], at, 1);
                    Set(inputs[2], at, column);
                }
            }

            var shape = Signature.PastShape(batch, 0);
            for (var i = 0; i < Signature.PastNames.Count; i++)
            {
                inputs[_fixedInputs + i] = OrtTensor.Allocate(runtime, Signature.KvType, shape);
            }

            var started = Stopwatch.GetTimestamp();
            var outputs = _session.Run(_inputNames, inputs, _outputNames, quiet);
            Interlocked.Add(ref _runTicks, Stopwatch.GetTimestamp() - started);
            presents = outputs[1..];
            return outputs[0];
        }
        finally
        {
            foreach (var input in inputs)
            {
                input?.Dispose();
            }
        }
    }

    /// <summary>
    /// [batch, padded + 1]: zeros over each row's left padding, ones over its real past and the new token; a view
    /// over one buffer that grows as needed, since the width changes every step.
    /// </summary>
    private OrtTensor MaskTensor(OrtRuntime runtime, ReadOnlySpan<int> lengths, int paddedLength)
    {
        var width = paddedLength + 1;
        var count = lengths.Length * width;
        if (_maskBuffer is null || _maskBuffer.ElementCount < count)
        {
            _maskBuffer?.Dispose();
            _maskBuffer = OrtTensor.Allocate(runtime, Signature.MaskType, [Math.Max(count * 2, 1024)]);
        }

        for (var row = 0; row < lengths.Length; row++)
        {
            var padding = paddedLength - lengths[row];
            if (Signature.MaskType == TensorElementType.Int64)
            {
                var span = _maskBuffer.AsSpan<long>().Slice(row * width, width);
                span[..padding].Clear();
                span[padding..].Fill(1);
            }
            else
            {
                var span = _maskBuffer.AsSpan<int>().Slice(row * width, width);
                span[..padding].Clear();
                span[padding..].Fill(1);
            }
        }

        return OrtTensor.View(runtime, _maskBuffer, [lengths.Length, width]);
    }

    private static void Set(OrtTensor tensor, int index, int value)
    {
        if (tensor.ElementType == TensorElementType.Int64)
        {
            tensor.AsSpan<long>()[index] = value;
        }
        else
        {
            tensor.AsSpan<int>()[index] = value;
        }
    }

    private static void Fill(OrtTensor tensor, ReadOnlySpan<int> values)
    {
        if (tensor.ElementType == TensorElementType.Int64)
        {
            var span = tensor.AsSpan<long>();
            for (var i = 0; i < values.Length; i++)
            {
                span[i] = values[i];
            }
        }
        else
        {
            values.CopyTo(tensor.AsSpan<int>());
        }
    }
}
