using Platform.Inference.Constraints.Grammar;

namespace Platform.Inference.Constraints.Vocabulary;

/// <summary>
/// What each token does to an open JSON string, per string-lexer state, computed once per vocabulary (the
/// context-independent part of a mask, as xgrammar precomputes it). A token either stays inside the string
/// (accepted whatever follows the string, grouped by the bytes it leaves to close it), breaks the string's
/// syntax (refused whatever follows), or closes the string part-way: only those depend on the grammar after the
/// string, and they are kept grouped by the bytes after the closing quote so a mask feeds each suffix once.
/// </summary>
internal sealed class StringTokenTable
{
    /// <summary>The most bytes an open string can need to close (a <c>\u</c> escape with four hex digits left, plus the quote).</summary>
    public const int MaxRemaining = 5;

    private readonly Dictionary<int, Entry> _entries = [];

    public StringTokenTable(TokenTrie trie)
    {
        var words = (trie.VocabularySize + 63) / 64;
        foreach (var state in StringLexer.OpenStates)
        {
            var builder = new EntryBuilder(trie, words);
            builder.Walk(TokenTrie.Root, state, 0);
            _entries[state] = builder.Build();
        }
    }

    public Entry For(int lexerState) => _entries[lexerState];

    internal sealed class Entry(ulong[]?[] insideByRemaining, byte[][] closingSuffixes, int[][] closingTokens)
    {
        /// <summary>Index r - 1: the tokens that leave the string open with r bytes needed to close it; null when none.</summary>
        public ulong[]?[] InsideByRemaining { get; } = insideByRemaining;

        /// <summary>The bytes after the closing quote, one entry per distinct suffix.</summary>
        public byte[][] ClosingSuffixes { get; } = closingSuffixes;

        /// <summary>The tokens with each suffix.</summary>
        public int[][] ClosingTokens { get; } = closingTokens;
    }

    private sealed class EntryBuilder(TokenTrie trie, int words)
    {
        private readonly ulong[]?[] _inside = new ulong[]?[MaxRemaining];
        private readonly Dictionary<string, List<int>> _closing = new(StringComparer.Ordinal);

        public Entry Build()
        {
            var suffixes = _closing.Keys.ToArray();
            return new Entry(
                _inside,
                [.. suffixes.Select(System.Text.Encoding.Latin1.GetBytes)],
                [.. suffixes.Select(s => _closing[s].ToArray())]);
        }

        public void Walk(int node, int lexerState, int depth)
        {
            var bytes = trie.EdgeBytes(node);
            var targets = trie.EdgeTargets(node);
            for (var i = 0; i < bytes.Length; i++)
            {
                var next = StringLexer.Step(lexerState, bytes[i]);
                if (next < 0)
                {
                    continue;
                }

                if (next == StringLexer.Closed)
                {
                    AddClosing(targets[i], depth + 1);
                    continue;
                }

                var tokens = trie.TokensAt(targets[i]);
                if (tokens.Length > 0)
                {
                    var bits = _inside[StringLexer.Remaining(next) - 1] ??= new ulong[words];
                    foreach (var id in tokens)
                    {
                        bits[id >> 6] |= 1UL << (id & 63);
                    }
                }

                Walk(targets[i], next, depth + 1);
            }
        }

        /// <summary>Every token under a node whose path closes the string after <paramref name="closedAt"/> bytes.</summary>
        private void AddClosing(int node, int closedAt)
        {
            foreach (var id in trie.TokensAt(node))
            {
                var key = System.Text.Encoding.Latin1.GetString(trie.TokenBytes[id]!.AsSpan(closedAt));
                if (!_closing.TryGetValue(key, out var ids))
                {
                    _closing[key] = ids = [];
                }

                ids.Add(id);
            }

            foreach (var child in trie.EdgeTargets(node))
            {
                AddClosing(child, closedAt);
            }
        }
    }
}
