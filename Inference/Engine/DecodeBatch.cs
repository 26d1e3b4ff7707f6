using Platform.Inference.Models;
using Platform.Inference.Ort;

namespace Platform.Inference.Engine;

/// <summary>
/// The running batch of one device: its members and their KV caches packed into one tensor per past input, each
/// row left-padded to the longest member. Between steps the presents become the past as they are (the padding
/// stays in place); the tensors are re-packed only when members join or leave, which also trims padding that no
/// member needs any more. Re-packed tensors come from the session's arena; presents are written into two sets of
/// buffers used in turn (<see cref="KvSwapBuffers"/>).
/// </summary>
internal sealed class DecodeBatch(OrtSession session, DecoderSignature signature) : IDisposable
{
    private readonly List<Sequence> _members = [];
    private readonly KvSwapBuffers _swap = new(session, signature);
    private OrtTensor[] _past = [];

    public IReadOnlyList<Sequence> Members => _members;

    public int Count => _members.Count;

    /// <summary>Past positions per row, padding included.</summary>
    public int PaddedLength { get; private set; }

    public IReadOnlyList<OrtTensor> Past => _past;

    /// <summary>
    /// Rebuilds the batch as <paramref name="members"/>: current members keep their caches (copied from their old
    /// rows), newcomers bring theirs from prefill (whose tensors are released once copied).
    /// </summary>
    public void Repack(IReadOnlyList<Sequence> members)
    {
        var padded = members.Count == 0 ? 0 : members.Max(m => m.Length);
        OrtTensor[] next;
        if (members.Count == 0)
        {
            // Nothing to hold: tensors made here would outlive the last re-pack (the batch's disposal).
            next = [];
        }
        else if (members.Count == 1 && members[0].Cache is { } only && _members.Count == 0)
        {
            // A lone newcomer: its own cache is already the batch (no copy).
            next = only.Detach();
        }
        else if (_members.Count == 0 && IsWholeGroup(members) is { } group)
        {
            // Prompts prefilled together, all joining an empty batch in their order: their tensors are the batch.
            next = group.Detach();
        }
        else
        {
            next = new OrtTensor[signature.PastNames.Count];
            var shape = signature.PastShape(members.Count, padded);
            for (var t = 0; t < next.Length; t++)
            {
                next[t] = session.AllocateFromArena(signature.KvType, shape);
            }

            for (var row = 0; row < members.Count; row++)
            {
                var member = members[row];
                for (var t = 0; t < next.Length; t++)
                {
                    var (source, sourceBatch, sourceRow, sourcePadded) =
                        member.Cache is { } cache ? (cache.Tensors[t], 1, 0, member.Length)
                        : member.Staged is var (staged, stagedRow) ? (staged.Tensors[t], staged.Batch, stagedRow, staged.PaddedLength)
                        : (_past[t], _members.Count, member.BatchRow, PaddedLength);
                    CopyRows(source, sourceBatch, sourceRow, sourcePadded, next[t], members.Count, row, padded, member.Length);
                }
            }
        }

        foreach (var tensor in _past)
        {
            tensor.Dispose();
        }

        _past = next;
        PaddedLength = padded;
        if (members.Count == 0)
        {
            _swap.Clear();
        }

        _members.Clear();
        for (var row = 0; row < members.Count; row++)
        {
            var member = members[row];
            member.Cache?.Dispose();
            member.Cache = null;
            member.Staged = null;
            member.BatchRow = row;
            _members.Add(member);
        }
    }

    private static StagedKv? IsWholeGroup(IReadOnlyList<Sequence> members)
    {
        if (members.Count == 0 || members[0].Staged is not var (group, _) || group.Batch != members.Count)
        {
            return null;
        }

        for (var row = 0; row < members.Count; row++)
        {
            if (members[row].Staged is not var (other, otherRow) || other != group || otherRow != row)
            {
                return null;
            }
        }

        return group;
    }

    /// <summary>Where the next step writes its presents: one position longer per row than the past.</summary>
    public IReadOnlyList<OrtTensor> NextPresents() => _swap.Presents(Count, PaddedLength + 1);

    /// <summary>After a step: the presents it wrote become the past.</summary>
    public void Advance()
    {
        var presents = _swap.Swap();
        foreach (var tensor in _past)
        {
            tensor.Dispose();
        }

        _past = presents;
        PaddedLength++;
    }

    /// <summary>Drops every member and frees the tensors.</summary>
    public void Clear() => Repack([]);

    public void Dispose() => Clear();

    /// <summary>Copies one row's last <paramref name="length"/> positions (its real past) between two padded tensors.</summary>
    private void CopyRows(OrtTensor source, int sourceBatch, int sourceRow, int sourcePadded, OrtTensor target, int targetBatch, int targetRow, int targetPadded, int length)
    {
        if (source.ElementType.SizeInBytes() == 2)
        {
            CopyRows<ushort>(source, sourceBatch, sourceRow, sourcePadded, target, targetBatch, targetRow, targetPadded, length);
        }
        else
        {
            CopyRows<float>(source, sourceBatch, sourceRow, sourcePadded, target, targetBatch, targetRow, targetPadded, length);
        }
    }

    private void CopyRows<T>(OrtTensor source, int sourceBatch, int sourceRow, int sourcePadded, OrtTensor target, int targetBatch, int targetRow, int targetPadded, int length)
        where T : unmanaged
    {
        var from = source.AsSpan<T>();
        var to = target.AsSpan<T>();
        var heads = signature.KvHeads;
        var headSize = signature.HeadSize;
        var halves = signature.KvLayout == KvLayout.Combined ? 2 : 1;
        var count = length * headSize;
        for (var half = 0; half < halves; half++)
        {
            for (var head = 0; head < heads; head++)
            {
                var sourceStart = (((((long)half * sourceBatch) + sourceRow) * heads + head) * sourcePadded + (sourcePadded - length)) * headSize;
                var targetStart = (((((long)half * targetBatch) + targetRow) * heads + head) * targetPadded + (targetPadded - length)) * headSize;
                from.Slice((int)sourceStart, count).CopyTo(to.Slice((int)targetStart, count));
            }
        }
    }
}
