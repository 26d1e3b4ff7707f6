using System.Collections.Concurrent;
using Platform.Inference.Constraints.Grammar;

namespace Platform.Inference.Constraints.Vocabulary;

/// <summary>
/// What each token does to free text (<c>tool_choice</c> <c>auto</c>: any text without the call trigger) from one
/// position of its lexer, built on first use and kept for the model: the tokens that stay free text, as bitsets by
/// the bytes an unfinished character still needs; the tokens after which the text may end; and, per first byte,
/// the rests of tokens in which the text may end part-way. Free text may end after almost every byte, so rests
/// are kept only for the bytes the grammar after the text asks for (the call markup's first byte).
/// </summary>
internal sealed class FreeTextTokenTable
{
    private const int MaxRemaining = 4;
    private readonly TokenTrie _trie;
    private readonly FreeTextNode _text;
    private readonly int _position;
    private readonly ConcurrentDictionary<byte, TokenTrie> _rests = new();

    public FreeTextTokenTable(TokenTrie trie, FreeTextNode text, int position)
    {
        _trie = trie;
        _text = text;
        _position = position;
        var words = (trie.VocabularySize + 63) / 64;
        EndsAtEnd = new ulong[words];
        InsideByRemaining = new ulong[]?[MaxRemaining + 1];
        Walk(TokenTrie.Root, position, words);
    }

    /// <summary>Index r: the tokens that leave the text going on with r bytes of a character still to come; null when none.</summary>
    public ulong[]?[] InsideByRemaining { get; }

    /// <summary>The tokens after whose last byte the text may end.</summary>
    public ulong[] EndsAtEnd { get; }

    /// <summary>The rests, starting with <paramref name="first"/>, of tokens in which the text may end before that byte.</summary>
    public TokenTrie RestsStartingWith(byte first) => _rests.GetOrAdd(first, BuildRests);

    private void Walk(int node, int position, int words)
    {
        var bytes = _trie.EdgeBytes(node);
        var targets = _trie.EdgeTargets(node);
        for (var i = 0; i < bytes.Length; i++)
        {
            var next = _text.Step(position, bytes[i]);
            if (next < 0)
            {
                continue;
            }

            var child = targets[i];
            var tokens = _trie.TokensAt(child);
            if (tokens.Length > 0)
            {
                var inside = InsideByRemaining[FreeTextNode.Remaining(next)] ??= new ulong[words];
                foreach (var id in tokens)
                {
                    inside[id >> 6] |= 1UL << (id & 63);
                    if (FreeTextNode.CanEnd(next))
                    {
                        EndsAtEnd[id >> 6] |= 1UL << (id & 63);
                    }
                }
            }

            Walk(child, next, words);
        }
    }

    private TokenTrie BuildRests(byte first)
    {
        var rests = new List<(byte[] Bytes, int Id)>();
        CollectRests(TokenTrie.Root, _position, 0, first, rests);
        return new TokenTrie(rests, _trie.VocabularySize);
    }

    private void CollectRests(int node, int position, int depth, byte first, List<(byte[] Bytes, int Id)> rests)
    {
        if (depth > 0 && FreeTextNode.CanEnd(position) && _trie.Child(node, first) is var start and >= 0)
        {
            AddSubtree(start, depth, rests);
        }

        var bytes = _trie.EdgeBytes(node);
        var targets = _trie.EdgeTargets(node);
        for (var i = 0; i < bytes.Length; i++)
        {
            var next = _text.Step(position, bytes[i]);
            if (next >= 0)
            {
                CollectRests(targets[i], next, depth + 1, first, rests);
            }
        }
    }

    private void AddSubtree(int node, int endedAt, List<(byte[] Bytes, int Id)> rests)
    {
        foreach (var id in _trie.TokensAt(node))
        {
            rests.Add((_trie.TokenBytes[id]![endedAt..], id));
        }

        foreach (var child in _trie.EdgeTargets(node))
        {
            AddSubtree(child, endedAt, rests);
        }
    }
}
