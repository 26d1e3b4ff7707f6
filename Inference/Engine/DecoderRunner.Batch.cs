using System.Diagnostics;
using System.Numerics;
using Platform.Inference.Ort;

namespace Platform.Inference.Engine;

internal sealed partial class DecoderRunner
{
    private OrtTensor? _batchIds;
    private OrtTensor? _batchPositions;
    private OrtTensor? _batchMask;
    private OrtTensor? _batchLogits;
    private OrtBinding? _binding;
    private IReadOnlyList<OrtTensor>? _boundPast;
    private IReadOnlyList<OrtTensor>? _boundPresents;
    private int _inputBatch;
    private int _maskCapacity;

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
        Unbind();
        _binding?.Dispose();
        _binding = null;
        _batchIds?.Dispose();
        _batchPositions?.Dispose();
        _batchMask?.Dispose();
        _batchLogits?.Dispose();
        _batchIds = _batchPositions = _batchMask = _batchLogits = null;
        _inputBatch = _maskCapacity = 0;
    }

    /// <summary>Lets go of the batch's tensors (ORT holds a reference to each bound one): the batch emptied.</summary>
    public void Unbind()
    {
        _binding?.Clear();
        _boundPast = _boundPresents = null;
    }

    /// <summary>
    /// Decodes one token for each row of a batch whose pasts hold <paramref name="capacity"/> positions, right-padded:
    /// row i holds <paramref name="lengths"/>[i] real positions first, the padding after them is masked out, and the
    /// new token (at position lengths[i]) comes last. ORT writes the presents (the past and the new position last,
    /// <paramref name="capacity"/> + 1 positions) into <paramref name="presents"/>; returns the logits
    /// <c>[batch, 1, vocab]</c>, which belong to the runner and hold until its next step.
    /// </summary>
    /// <remarks>
    /// The inputs and outputs stay bound between steps while the batch's tensors and the capacity do (only the
    /// ids, positions and mask are rewritten in place), so a step allocates nothing managed.
    /// </remarks>
    public OrtTensor StepBatch(ReadOnlySpan<int> tokens, ReadOnlySpan<int> lengths, int capacity, IReadOnlyList<OrtTensor> past, IReadOnlyList<OrtTensor> presents)
    {
        var runtime = _session.Runtime;
        var batch = tokens.Length;
        var stale = !ReferenceEquals(past, _boundPast) || !ReferenceEquals(presents, _boundPresents);
        if (batch != _inputBatch)
        {
            _batchIds?.Dispose();
            _batchPositions?.Dispose();
            _batchLogits?.Dispose();
            _batchIds = OrtTensor.Allocate(runtime, Signature.IdsType, [batch, 1]);
            _batchPositions = OrtTensor.Allocate(runtime, Signature.PositionType, [batch, 1]);
            _batchLogits = OrtTensor.Allocate(runtime, Signature.LogitsType, [batch, 1, Signature.VocabularySize]);
            _inputBatch = batch;
            _maskCapacity = 0;
            stale = true;
        }

        if (capacity != _maskCapacity)
        {
            _batchMask?.Dispose();
            _batchMask = OrtTensor.Allocate(runtime, Signature.MaskType, [batch, capacity + 1]);
            _maskCapacity = capacity;
            stale = true;
        }

        Fill(_batchIds!, tokens);
        Fill(_batchPositions!, lengths);
        FillMask(_batchMask!, lengths, capacity);
        if (stale)
        {
            Bind(past, presents);
        }

        var started = Stopwatch.GetTimestamp();
        _session.Run(_binding!);
        Interlocked.Add(ref _runTicks, Stopwatch.GetTimestamp() - started);
        return _batchLogits!;
    }

    private void Bind(IReadOnlyList<OrtTensor> past, IReadOnlyList<OrtTensor> presents)
    {
        _boundPast = _boundPresents = null;
        var binding = _binding ??= _session.CreateBinding();
        binding.Clear();
        binding.Input(_inputNames[0], _batchIds!);
        binding.Input(_inputNames[1], _batchMask!);
        binding.Input(_inputNames[2], _batchPositions!);
        for (var i = 0; i < past.Count; i++)
        {
            binding.Input(_inputNames[_fixedInputs + i], past[i]);
        }

        binding.Output(_outputNames[0], _batchLogits!);
        for (var i = 0; i < presents.Count; i++)
        {
            binding.Output(_outputNames[1 + i], presents[i]);
        }

        _boundPast = past;
        _boundPresents = presents;
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

    /// <summary>[batch, capacity + 1]: ones over each row's real past and over the new token (last), zeros over its padding.</summary>
    private static void FillMask(OrtTensor mask, ReadOnlySpan<int> lengths, int capacity)
    {
        if (mask.ElementType == TensorElementType.Int64)
        {
            FillMask(mask.AsSpan<long>(), lengths, capacity);
        }
        else
        {
            FillMask(mask.AsSpan<int>(), lengths, capacity);
        }
    }

    private static void FillMask<T>(Span<T> mask, ReadOnlySpan<int> lengths, int capacity)
        where T : unmanaged, INumberBase<T>
    {
        var width = capacity + 1;
        for (var row = 0; row < lengths.Length; row++)
        {
            var span = mask.Slice(row * width, width);
            span[..lengths[row]].Fill(T.One);
            span[lengths[row]..capacity].Clear();
            span[capacity] = T.One;
        }
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
