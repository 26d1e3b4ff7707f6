using Platform.Inference.Models;
using Platform.Inference.Ort;

namespace Platform.Inference.Engine;

/// <summary>
/// Where a running batch's decode steps write their presents: two sets of buffers, one per past input each, used in
/// turn. A step's presents are views over the back set while the past it reads lies in the front set (or in tensors
/// of a re-pack); after the step the two swap, so the next presents overwrite the set that step read. ORT writes
/// into memory that is already mapped and warm instead of allocating every present and handing it back, and nothing
/// of an output has to be wrapped and queried after the step.
/// </summary>
/// <remarks>
/// The exports concatenate past and new positions, so a present is one position longer each step and its layout
/// changes with its length: a buffer holds any shape up to its capacity, and a set grows, with some positions to
/// spare so it is not replaced every step, only when the step it receives no longer fits.
/// </remarks>
internal sealed class KvSwapBuffers(OrtSession session, DecoderSignature signature) : IDisposable
{
    /// <summary>Positions a new set holds beyond the step that needed it: at least this many, or an eighth more.</summary>
    public const int MinimumSpare = 16;

    private OrtTensor[]? _front;
    private OrtTensor[]? _back;
    private OrtTensor[]? _pending;

    /// <summary>Elements each buffer of the back set holds (0 before the first step): what the next presents may fill.</summary>
    public long BackCapacity => _back is { } back ? back[0].ElementCount : 0;

    /// <summary>
    /// Views over the back set shaped as the presents of a step of <paramref name="batch"/> rows that ends with
    /// <paramref name="length"/> positions, (re)allocating the set when it is too small or more than twice too big.
    /// </summary>
    public IReadOnlyList<OrtTensor> Presents(int batch, int length)
    {
        Release(ref _pending);
        var shape = signature.PastShape(batch, length);
        var needed = OrtTensor.CountElements(shape);
        var capacity = _back is null ? 0 : _back[0].ElementCount;
        var roomy = signature.PastShape(batch, length + Spare(length));
        if (_back is null || capacity < needed || capacity > 2 * OrtTensor.CountElements(roomy))
        {
            Release(ref _back);
            _back = Allocate(roomy);
        }

        var back = _back;
        var views = new OrtTensor[back.Length];
        for (var i = 0; i < views.Length; i++)
        {
            views[i] = OrtTensor.View(session.Runtime, back[i], shape);
        }

        _pending = views;
        return views;
    }

    /// <summary>After the step: the presents become the past, and the set the past was read from receives the next ones.</summary>
    public OrtTensor[] Swap()
    {
        var presents = _pending ?? throw new InvalidOperationException("No step's presents to swap in.");
        _pending = null;
        (_front, _back) = (_back, _front);
        return presents;
    }

    /// <summary>Frees both sets and any presents not swapped in (the batch emptied, or the step failed); they are made again when next needed.</summary>
    public void Clear()
    {
        Release(ref _pending);
        Release(ref _front);
        Release(ref _back);
    }

    public void Dispose() => Clear();

    private static int Spare(int length) => Math.Max(MinimumSpare, length / 8);

    private OrtTensor[] Allocate(long[] shape)
    {
        var set = new OrtTensor[signature.PastNames.Count];
        try
        {
            for (var i = 0; i < set.Length; i++)
            {
                // Each step's presents are written whole (past and new positions) before anything reads them.
                set[i] = session.AllocateFromArena(signature.KvType, shape, zeroed: false);
            }
        }
        catch
        {
            foreach (var tensor in set)
            {
                tensor?.Dispose();
            }

            throw;
        }

        return set;
    }

    private static void Release(ref OrtTensor[]? tensors)
    {
        foreach (var tensor in tensors ?? [])
        {
            tensor.Dispose();
        }

        tensors = null;
    }
}
