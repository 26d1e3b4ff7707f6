using System.Numerics;

namespace Platform.Inference.Tokenization;

/// <summary>
/// Thread-safe, fixed-size cache of a word's ids: a direct-mapped table of immutable entries. A lookup is a hash
/// and one comparison; an insert is one reference write that may evict whichever word held the slot. No locks,
/// no growth, no clearing, so memory stays bounded and a miss costs little more than the work it saves.
/// </summary>
internal sealed class BpeWordCache
{
    private readonly Entry?[] _slots;
    private readonly int _mask;

    /// <param name="capacity">Rounded up to a power of two.</param>
    public BpeWordCache(int capacity)
    {
        var size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(capacity, 1));
        _slots = new Entry?[size];
        _mask = size - 1;
    }

    /// <summary>The cached ids; callers must not modify the array.</summary>
    public bool TryGet(ReadOnlySpan<char> word, out int[] ids)
    {
        var entry = Volatile.Read(ref _slots[Slot(word)]);
        if (entry is not null && word.SequenceEqual(entry.Word))
        {
            ids = entry.Ids;
            return true;
        }

        ids = [];
        return false;
    }

    public void Add(ReadOnlySpan<char> word, int[] ids) =>
        Volatile.Write(ref _slots[Slot(word)], new Entry(word.ToString(), ids));

    private int Slot(ReadOnlySpan<char> word) => string.GetHashCode(word) & _mask;

    private sealed record Entry(string Word, int[] Ids);
}
