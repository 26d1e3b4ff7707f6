using Platform.Inference.Models;
using Platform.Inference.Ort;

namespace Platform.Inference.Engine;

/// <summary>
/// The running batch of one device: its members and their KV caches in one tensor per past input, each row
/// right-padded to a shared capacity. Row i holds its real positions at [0, length), zeros up to the capacity
/// (masked out), and each step's new token goes last, at the capacity, in the presents; after the step that one
/// position is copied back to [length] of the past. Every tensor of a step (past, presents, and the runner's ids,
/// positions, mask and logits) so keeps its shape from step to step and stays bound to the session: a decode step
/// allocates nothing managed. The tensors change only when members join or leave, or when the longest member
/// reaches the capacity (which then grows by an eighth, at least 16 positions).
/// </summary>
/// <remarks>
/// The exports concatenate past and new positions, so ORT writes the whole present each step whatever its layout;
/// with the shared-capacity layout the present is a scratch buffer of fixed shape, and what the next step reads is
/// the past updated in place. The padding costs masked attention over at most the spare positions.
/// </remarks>
internal sealed class DecodeBatch(DecoderRunner runner, int contextLength) : IDisposable
{
    /// <summary>Positions a grown batch holds beyond what it needs now: at least this many, or an eighth more.</summary>
    public const int MinimumSpare = 16;

    private readonly DecoderSignature _signature = runner.Signature;
    private readonly List<Sequence> _members = [];
    private OrtTensor[] _past = [];
    private OrtTensor[] _presents = [];

    public IReadOnlyList<Sequence> Members => _members;

    public int Count => _members.Count;

    /// <summary>Past positions each row has room for; its real ones come first.</summary>
    public int Capacity { get; private set; }

    /// <summary>Where each member's real positions lie, for a copy out of the batch (the prefix cache).</summary>
    public KvSource Source(int row) => new(_past, Count, row, Capacity, 0);

    /// <summary>
    /// Rebuilds the batch as <paramref name="members"/>: current members keep their caches (copied from their old
    /// rows), newcomers bring theirs from prefill (whose tensors are released by their owners once copied).
    /// </summary>
    public void Repack(IReadOnlyList<Sequence> members)
    {
        if (members.Count == 0)
        {
            Release(ref _past);
            Release(ref _presents);
            runner.Unbind();
            Capacity = 0;
            _members.Clear();
            return;
        }

        var capacity = CapacityFor(members.Max(m => m.Length), contextLength);
        var next = Allocate(members.Count, capacity);
        try
        {
            for (var row = 0; row < members.Count; row++)
            {
                var member = members[row];
                var source = member.Cache is { } cache ? new KvSource(cache.Tensors, 1, 0, member.Length, 0)
                    : member.Staged is var (staged, stagedRow) ? new KvSource(staged.Tensors, staged.Batch, stagedRow, staged.PaddedLength, staged.PaddedLength - member.Length)
                    : Source(member.BatchRow);
                for (var t = 0; t < next.Length; t++)
                {
                    Copy(source.Tensors[t], source.Batch, source.Row, source.Padded, source.Offset, next[t], members.Count, row, capacity, 0, member.Length);
                }
            }
        }
        catch
        {
            Release(ref next);
            throw;
        }

        Replace(next, members.Count, capacity);
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

    /// <summary>
    /// Decodes one token for every member (<paramref name="tokens"/> in row order) and returns the logits
    /// <c>[batch, 1, vocab]</c>, which belong to the runner until its next step. The members' new positions are in
    /// the past when this returns; the caller then counts them in each member's length.
    /// </summary>
    public OrtTensor Step(ReadOnlySpan<int> tokens, ReadOnlySpan<int> lengths)
    {
        var longest = 0;
        foreach (var length in lengths)
        {
            longest = Math.Max(longest, length);
        }

        if (longest >= Capacity)
        {
            Grow(CapacityFor(longest, contextLength));
        }

        var logits = runner.StepBatch(tokens, lengths, Capacity, _past, _presents);
        for (var row = 0; row < lengths.Length; row++)
        {
            for (var t = 0; t < _past.Length; t++)
            {
                Copy(_presents[t], Count, row, Capacity + 1, Capacity, _past[t], Count, row, Capacity, lengths[row], 1);
            }
        }

        return logits;
    }

    /// <summary>Drops every member and frees the tensors.</summary>
    public void Clear() => Repack([]);

    public void Dispose() => Clear();

    /// <summary>
    /// Room for <paramref name="longest"/> positions and the next step's, with some to spare so the batch does not
    /// grow every step, but no more than the model's context: a step then attends over at most the context and
    /// the new position, as it would have attended unpadded at the context's last step.
    /// </summary>
    internal static int CapacityFor(int longest, int contextLength) => Math.Max(longest + 1, Math.Min(longest + 1 + Math.Max(MinimumSpare, longest / 8), contextLength));

    private void Grow(int capacity)
    {
        var next = Allocate(Count, capacity);
        for (var row = 0; row < Count; row++)
        {
            for (var t = 0; t < next.Length; t++)
            {
                Copy(_past[t], Count, row, Capacity, 0, next[t], Count, row, capacity, 0, _members[row].Length);
            }
        }

        Replace(next, Count, capacity);
    }

    private void Replace(OrtTensor[] past, int batch, int capacity)
    {
        Release(ref _past);
        _past = past;
        if (batch != Count || capacity != Capacity || _presents.Length == 0)
        {
            Release(ref _presents);

            // Written whole by every step before anything reads it.
            _presents = AllocateSet(_signature.PastShape(batch, capacity + 1), zeroed: false);
        }

        Capacity = capacity;
    }

    /// <summary>A zeroed past: the padding is masked out, but must hold finite numbers (a masked NaN still poisons attention).</summary>
    private OrtTensor[] Allocate(int batch, int capacity) => AllocateSet(_signature.PastShape(batch, capacity), zeroed: true);

    private OrtTensor[] AllocateSet(long[] shape, bool zeroed)
    {
        var set = new OrtTensor[_signature.PastNames.Count];
        try
        {
            for (var i = 0; i < set.Length; i++)
            {
                set[i] = runner.Session.AllocateFromArena(_signature.KvType, shape, zeroed);
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

    private static void Release(ref OrtTensor[] tensors)
    {
        foreach (var tensor in tensors)
        {
            tensor.Dispose();
        }

        tensors = [];
    }

    private void Copy(OrtTensor source, int sourceBatch, int sourceRow, int sourceStride, int sourceStart, OrtTensor target, int targetBatch, int targetRow, int targetStride, int targetStart, int count) =>
        KvRows.Copy(_signature, source, sourceBatch, sourceRow, sourceStride, sourceStart, target, targetBatch, targetRow, targetStride, targetStart, count);
}
