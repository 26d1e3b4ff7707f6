namespace Platform.Inference.Constraints.Vocabulary;

/// <summary>
/// Every text token of a vocabulary in a prefix tree of bytes, flattened into arrays: a mask walks it once,
/// feeding each edge's byte to the grammar and skipping a whole subtree when a prefix is refused.
/// </summary>
internal sealed class TokenTrie
{
    private readonly int[] _firstEdge;
    private readonly int[] _edgeCount;
    private readonly byte[] _edgeByte;
    private readonly int[] _edgeTarget;
    private readonly int[] _firstToken;
    private readonly int[] _tokenCount;
    private readonly int[] _tokens;

    public TokenTrie(byte[]?[] tokenBytes)
    {
        TokenBytes = tokenBytes;
        VocabularySize = tokenBytes.Length;
        var children = new List<SortedDictionary<byte, int>> { new() };
        var tokensAt = new List<List<int>> { new() };
        for (var id = 0; id < tokenBytes.Length; id++)
        {
            if (tokenBytes[id] is not { Length: > 0 } bytes)
            {
                continue;
            }

            var node = 0;
            foreach (var value in bytes)
            {
                if (!children[node].TryGetValue(value, out var child))
                {
                    child = children.Count;
                    children[node][value] = child;
                    children.Add(new SortedDictionary<byte, int>());
                    tokensAt.Add([]);
                }

                node = child;
            }

            tokensAt[node].Add(id);
        }

        _firstEdge = new int[children.Count];
        _edgeCount = new int[children.Count];
        _firstToken = new int[children.Count];
        _tokenCount = new int[children.Count];
        var edgeBytes = new List<byte>();
        var edgeTargets = new List<int>();
        var tokens = new List<int>();
        for (var node = 0; node < children.Count; node++)
        {
            _firstEdge[node] = edgeBytes.Count;
            _edgeCount[node] = children[node].Count;
            foreach (var (value, child) in children[node])
            {
                edgeBytes.Add(value);
                edgeTargets.Add(child);
            }

            _firstToken[node] = tokens.Count;
            _tokenCount[node] = tokensAt[node].Count;
            tokens.AddRange(tokensAt[node]);
        }

        _edgeByte = [.. edgeBytes];
        _edgeTarget = [.. edgeTargets];
        _tokens = [.. tokens];
        NodeCount = children.Count;
    }

    public byte[]?[] TokenBytes { get; }

    public int VocabularySize { get; }

    public int NodeCount { get; }

    public const int Root = 0;

    public ReadOnlySpan<byte> EdgeBytes(int node) => _edgeByte.AsSpan(_firstEdge[node], _edgeCount[node]);

    public ReadOnlySpan<int> EdgeTargets(int node) => _edgeTarget.AsSpan(_firstEdge[node], _edgeCount[node]);

    public ReadOnlySpan<int> TokensAt(int node) => _tokens.AsSpan(_firstToken[node], _tokenCount[node]);
}
