using System.Buffers;
using System.Runtime.CompilerServices;

namespace Platform.Inference.Tokenization;

/// <summary>
/// The BPE merge loop: repeatedly merges the adjacent pair with the lowest rank, leftmost first on ties.
/// Symbols live in a doubly linked list over arrays and candidate pairs in a min-heap keyed by (rank, position),
/// so a word of n symbols costs O(n log n) and, below <see cref="StackLimit"/> symbols, no heap allocation.
/// </summary>
internal static class BpeMerger
{
    private const int StackLimit = 128;
    private const int Removed = -2;

    /// <summary>Merges <paramref name="symbols"/> in place and returns how many remain at its front.</summary>
    [SkipLocalsInit] // every slot is written before it is read
    public static int Merge(Span<int> symbols, BpeMergeTable merges)
    {
        var n = symbols.Length;
        if (n < 2)
        {
            return n;
        }

        // Each merge removes a symbol and queues at most two pairs: at most 3n heap entries in all.
        int[]? rentedLinks = null;
        long[]? rentedHeap = null;
        Span<int> links = n <= StackLimit ? stackalloc int[2 * n] : (rentedLinks = ArrayPool<int>.Shared.Rent(2 * n));
        Span<long> heap = n <= StackLimit ? stackalloc long[3 * n] : (rentedHeap = ArrayPool<long>.Shared.Rent(3 * n));
        try
        {
            return MergeCore(symbols, merges, links[..n], links.Slice(n, n), heap);
        }
        finally
        {
            if (rentedLinks is not null)
            {
                ArrayPool<int>.Shared.Return(rentedLinks);
                ArrayPool<long>.Shared.Return(rentedHeap!);
            }
        }
    }

    private static int MergeCore(Span<int> symbols, BpeMergeTable merges, Span<int> previous, Span<int> next, Span<long> heapStorage)
    {
        var n = symbols.Length;
        var queue = new MinHeap(heapStorage);
        for (var i = 0; i < n; i++)
        {
            previous[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
            if (i + 1 < n && merges.TryGetRank(symbols[i], symbols[i + 1], out var rank))
            {
                queue.Push(Candidate(rank, i));
            }
        }

        while (queue.Count > 0)
        {
            var candidate = queue.Pop();
            var rank = (int)(candidate >> 32);
            var left = (int)(candidate & 0xFFFFFFFF);
            var right = next[left];

            // Entries go stale when a neighbour merged first. Ranks are unique per pair, so an unchanged rank
            // means the pair at this position is still the one that was queued.
            if (previous[left] == Removed || right < 0
                || !merges.TryGetRank(symbols[left], symbols[right], out var currentRank) || currentRank != rank)
            {
                continue;
            }

            symbols[left] = merges.ResultOf(rank);
            var after = next[right];
            next[left] = after;
            if (after >= 0)
            {
                previous[after] = left;
            }

            previous[right] = Removed;
            var before = previous[left];
            if (before >= 0 && merges.TryGetRank(symbols[before], symbols[left], out var beforeRank))
            {
                queue.Push(Candidate(beforeRank, before));
            }

            if (after >= 0 && merges.TryGetRank(symbols[left], symbols[after], out var afterRank))
            {
                queue.Push(Candidate(afterRank, left));
            }
        }

        var count = 0;
        for (var i = 0; i >= 0; i = next[i])
        {
            symbols[count++] = symbols[i];
        }

        return count;
    }

    private static long Candidate(int rank, int position) => ((long)rank << 32) | (uint)position;
}
