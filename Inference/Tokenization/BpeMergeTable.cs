using System.Numerics;

namespace Platform.Inference.Tokenization;

/// <summary>
/// The merge rules as a map from a pair of symbol ids to (rank, merged symbol): an open-addressing hash table
/// over plain arrays, the merge loop's hottest lookup. Later duplicates of a pair overwrite earlier ones, as in
/// the reference. Ranks are unique per pair, which the merge loop relies on.
/// </summary>
internal sealed class BpeMergeTable
{
    private const long Empty = -1;

    private readonly long[] _keys;
    private readonly int[] _ranks;
    private readonly int[] _resultByRank;
    private readonly int _shift;

    public BpeMergeTable(IReadOnlyList<(int Left, int Right, int Result)> merges)
    {
        // At most half full, so probe runs stay short.
        var size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(2 * merges.Count, 16));
        _shift = 64 - BitOperations.Log2((uint)size);
        _keys = new long[size];
        Array.Fill(_keys, Empty);
        _ranks = new int[size];
        _resultByRank = new int[merges.Count];
        for (var rank = 0; rank < merges.Count; rank++)
        {
            var (left, right, result) = merges[rank];
            var key = Key(left, right);
            var slot = Home(key);
            while (_keys[slot] != Empty && _keys[slot] != key)
            {
                slot = (slot + 1) & (size - 1);
            }

            _keys[slot] = key;
            _ranks[slot] = rank;
            _resultByRank[rank] = result;
        }
    }

    public int Count => _resultByRank.Length;

    public bool TryGetRank(int left, int right, out int rank)
    {
        // Unknown symbols are negative and never stored; they would also make a key that looks empty.
        if ((left | right) >= 0)
        {
            var key = Key(left, right);
            var mask = _keys.Length - 1;
            for (var slot = Home(key); ; slot = (slot + 1) & mask)
            {
                var stored = _keys[slot];
                if (stored == key)
                {
                    rank = _ranks[slot];
                    return true;
                }

                if (stored == Empty)
                {
                    break;
                }
            }
        }

        rank = 0;
        return false;
    }

    public int ResultOf(int rank) => _resultByRank[rank];

    private static long Key(int left, int right) => ((long)left << 32) | (uint)right;

    // Fibonacci hashing: the multiply spreads the packed pair over the high bits, which the shift keeps.
    private int Home(long key) => (int)((ulong)key * 0x9E3779B97F4A7C15UL >> _shift);
}
