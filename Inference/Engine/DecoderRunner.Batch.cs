using System.Diagnostics;
using Platform.Inference.Native;

namespace Platform.Inference.Engine;

internal sealed partial class DecoderRunner
{
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
            using (Step([0, 0], cache))
            {
            }

            using (Step([0, 0], cache))
            {
            }

            return true;
        }
        catch (OrtException)
        {
            return false;
        }
    }

    /// <summary>
    /// Decodes one token for each row of a batch whose pasts are left-padded to <paramref name="paddedLength"/>:
    /// row i holds <paramref name="lengths"/>[i] real positions at the end of its past, the padding before them is
    /// masked out, and the new token sits at position lengths[i]. Returns the logits <c>[batch, 1, vocab]</c> and the
    /// presents (the next step's past, padded to <paramref name="paddedLength"/> + 1); the caller disposes both.
    /// </summary>
    public OrtTensor StepBatch(ReadOnlySpan<int> tokens, ReadOnlySpan<int> lengths, int paddedLength, IReadOnlyList<OrtTensor> past, out OrtTensor[] presents)
    {
        var runtime = _session.Runtime;
        var batch = tokens.Length;
        var inputs = new OrtTensor[_inputNames.Length];
        try
        {
            inputs[0] = OrtTensor.Allocate(runtime, Signature.IdsType, [batch, 1]);
            Fill(inputs[0], tokens);
            inputs[1] = MaskTensor(runtime, lengths, paddedLength);
            inputs[2] = OrtTensor.Allocate(runtime, Signature.PositionType, [batch, 1]);
            Fill(inputs[2], lengths);
            for (var i = 0; i < past.Count; i++)
            {
                inputs[_fixedInputs + i] = past[i];
            }

            var started = Stopwatch.GetTimestamp();
            var outputs = _session.Run(_inputNames, inputs, _outputNames);
            Interlocked.Add(ref _runTicks, Stopwatch.GetTimestamp() - started);
            presents = outputs[1..];
            return outputs[0];
        }
        finally
        {
            for (var i = 0; i < _fixedInputs; i++)
            {
                inputs[i]?.Dispose();
            }
        }
    }

    /// <summary>[batch, padded + 1]: zeros over each row's left padding, ones over its real past and the new token.</summary>
    private OrtTensor MaskTensor(OrtRuntime runtime, ReadOnlySpan<int> lengths, int paddedLength)
    {
        var width = paddedLength + 1;
        var tensor = OrtTensor.Allocate(runtime, Signature.MaskType, [lengths.Length, width]);
        for (var row = 0; row < lengths.Length; row++)
        {
            var start = (row * width) + (paddedLength - lengths[row]);
            var count = lengths[row] + 1;
            if (Signature.MaskType == TensorElementType.Int64)
            {
                tensor.AsSpan<long>().Slice(start, count).Fill(1);
            }
            else
            {
                tensor.AsSpan<int>().Slice(start, count).Fill(1);
            }
        }

        return tensor;
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
