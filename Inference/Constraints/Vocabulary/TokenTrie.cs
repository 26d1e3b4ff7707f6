namespace Platform.Inference.Constraints.Vocabulary;

/// <summary>
/// Token byte strings in a prefix tree of bytes, flattened into arrays: a mask walks it once, feeding each edge's
/// byte to the grammar and skipping a whole subtree when a prefix is refused. The vocabulary's own trie holds
/// every text token; a lexer table's exit trie holds the rests of tokens after a lexer ends part-way through them.
/// </summary>
internal sealed class TokenTrie
{
    public const int Root = 0;

    private readonly int[] _firstEdge;
    private readonly int[] _edgeCount;
    private readonly byte[] _edgeByte;
    private readonly int[] _edgeTarget;
    private readonly int[] _firstToken;
    private readonly int[] _tokenCount;
    private readonly int[] _tokens;

    /// <summary>The trie of a vocabulary: token id i has bytes <paramref name="tokenBytes"/>[i] (none for special tokens).</summary>
    public TokenTrie(byte[]?[] tokenBytes)
        : this(Entries(tokenBytes), tokenBytes.Length)
    {
        TokenBytes = tokenBytes;
    }

    /// <summary>A trie of byte strings each standing for a token id (an id may appear under several strings; an empty string sits at the root).</summary>
    public TokenTrie(IEnumerable<(byte[] Bytes, int Id)> entries, int vocabularySize)
    {
        VocabularySize = vocabularySize;
        var children = new List<SortedDictionary<byte, int>> { new() };
        var tokensAt = new List<List<int>> { new() };
        foreach (var (bytes, id) in entries)
        {
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

    /// <summary>Each token id's bytes; empty for a trie of token rests.</summary>
    public byte[]?[] TokenBytes { get; } = [];

    public int VocabularySize { get; }

    public int NodeCount { get; }

    /// <summary>Holds no string at all (not even an empty one).</summary>
    public bool IsEmpty => NodeCount == 1 && _tokens.Length == 0;

    public ReadOnlySpan<byte> EdgeBytes(int node) => _edgeByte.AsSpan(_firstEdge[node], _edgeCount[node]);

    public ReadOnlySpan<int> EdgeTargets(int node) => _edgeTarget.AsSpan(_firstEdge[node], _edgeCount[node]);

    public ReadOnlySpan<int> TokensAt(int node) => _tokens.AsSpan(_firstToken[node], _tokenCount[node]);

    /// <summary>The child of <paramref name="node"/> along <paramref name="value"/>, or -1 (edges are sorted by byte).</summary>
    public int Child(int node, byte value)
    {
        var index = EdgeBytes(node).BinarySearch(value);
        return index >= 0 ? _edgeTarget[_firstEdge[node] + index] : -1;
    }

    private static IEnumerable<(byte[] Bytes, int Id)> Entries(byte[]?[] tokenBytes)
    {
        for (var id = 0; id < tokenBytes.Length; id++)
        {
            if (tokenBytes[id] is { Length: > 0 } bytes)
            {
                yield return (bytes, id);
            }
        }
    }
}
