using System.Collections.Concurrent;

namespace Platform.Inference.Tokenization;

/// <summary>
/// Thread-safe cache of a word's ids. Bounded by starting afresh when full: cheaper than LRU bookkeeping on every
/// hit, and a working set that fits keeps being served from the cache.
/// </summary>
internal sealed class BpeWordCache
{
    private readonly ConcurrentDictionary<string, int[]> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _bySpan;
    private readonly int _capacity;
    private int _count;

    public BpeWordCache(int capacity)
    {
        _capacity = capacity;
        _bySpan = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The cached ids; callers must not modify the array.</summary>
    public bool TryGet(ReadOnlySpan<char> word, out int[] ids) => _bySpan.TryGetValue(word, out ids!);

    public void Add(ReadOnlySpan<char> word, int[] ids)
    {
        if (Interlocked.Increment(ref _count) > _capacity)
        {
            _entries.Clear();
            Interlocked.Exchange(ref _count, 1);
        }

        _bySpan.TryAdd(word, ids);
    }
}
