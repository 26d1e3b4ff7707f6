namespace Platform.Inference.Tokenization;

/// <summary>
/// The merge rules as a map from a pair of symbol ids to (rank, merged symbol). Later duplicates of a pair
/// overwrite earlier ones, as in the reference. Ranks are unique per pair, which the merge loop relies on.
/// </summary>
internal sealed class BpeMergeTable
{
    private readonly Dictionary<long, int> _rankByPair;
    private readonly int[] _resultByRank;

    public BpeMergeTable(IReadOnlyList<(int Left, int Right, int Result)> merges)
    {
        _rankByPair = new Dictionary<long, int>(merges.Count);
        _resultByRank = new int[merges.Count];
        for (var rank = 0; rank < merges.Count; rank++)
        {
            var (left, right, result) = merges[rank];
            _rankByPair[Key(left, right)] = rank;
            _resultByRank[rank] = result;
        }
    }

    public int Count => _resultByRank.Length;

    public bool TryGetRank(int left, int right, out int rank) => _rankByPair.TryGetValue(Key(left, right), out rank);

    public int ResultOf(int rank) => _resultByRank[rank];

    // Unknown symbols are negative; as a key half they never collide with the non-negative ids stored here.
    private static long Key(int left, int right) => ((long)left << 32) | (uint)right;
}
