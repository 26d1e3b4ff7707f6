using Platform.Inference.Constraints.Grammar;

namespace Platform.Inference.Constraints.Vocabulary;

/// <summary>
/// What each token does to a JSON string or number lexer in each of its states, computed once per vocabulary: the
/// context-independent part of a mask, as xgrammar precomputes it. From a lexer state a token either stays inside
/// the lexer (allowed whatever the grammar around it is; kept as bitsets by the bytes the lexer then needs to end),
/// breaks the lexer's syntax (refused whatever the context), or lets the lexer end part-way through it: only
/// those depend on the grammar after the lexer, and their rests (the bytes after the end) are kept in a small trie
/// that a mask walks from the state after the lexer, so a rest shared by many tokens is judged once.
/// </summary>
internal sealed class LexerTokenTable
{
    /// <summary>The most bytes an open string can need to end (a <c>\u</c> escape with four hex digits left, plus the quote).</summary>
    public const int MaxRemaining = 5;

    private readonly Dictionary<int, Entry> _strings = [];
    private readonly Dictionary<int, Entry> _numbers = [];

    public LexerTokenTable(TokenTrie trie)
    {
        ArgumentNullException.ThrowIfNull(trie);
        var words = (trie.VocabularySize + 63) / 64;
        var stringNode = new StringNode();
        foreach (var state in StringLexer.OpenStates)
        {
            _strings[state] = new EntryBuilder(trie, words, stringNode).Build(state);
        }

        foreach (var integerOnly in new[] { false, true })
        {
            var numberNode = new NumberNode(integerOnly);
            for (var state = 0; state < NumberLexer.StateCount; state++)
            {
                if (NumberLexer.CanContinue(state, integerOnly))
                {
                    _numbers[NumberKey(state, integerOnly)] = new EntryBuilder(trie, words, numberNode).Build(state);
                }
            }
        }
    }

    /// <summary>The entry for a stack topped by a string or number lexer; false for any other top.</summary>
    public bool TryGet(Frame top, out Entry entry)
    {
        ArgumentNullException.ThrowIfNull(top);
        switch (top.Node)
        {
            case StringNode:
                return _strings.TryGetValue(top.Position, out entry!);
            case NumberNode number:
                return _numbers.TryGetValue(NumberKey(top.Position, number.IntegerOnly), out entry!);
            default:
                entry = null!;
                return false;
        }
    }

    private static int NumberKey(int state, bool integerOnly) => (state * 2) + (integerOnly ? 1 : 0);

    internal sealed class Entry(ulong[]?[] insideByRemaining, TokenTrie exits)
    {
        /// <summary>Index r: the tokens that leave the lexer open, needing r more bytes to end it; null when none.</summary>
        public ulong[]?[] InsideByRemaining { get; } = insideByRemaining;

        /// <summary>For every point where the lexer may end inside a token, the token's rest after that point.</summary>
        public TokenTrie Exits { get; } = exits;
    }

    private sealed class EntryBuilder(TokenTrie trie, int words, GrammarNode lexer)
    {
        private readonly ulong[]?[] _inside = new ulong[]?[MaxRemaining + 1];
        private readonly List<(byte[] Bytes, int Id)> _exits = [];

        public Entry Build(int state)
        {
            Walk(TokenTrie.Root, state, 0);
            return new Entry(_inside, new TokenTrie(_exits, trie.VocabularySize));
        }

        private void Walk(int node, int position, int depth)
        {
            var bytes = trie.EdgeBytes(node);
            var targets = trie.EdgeTargets(node);
            for (var i = 0; i < bytes.Length; i++)
            {
                var next = Terminals.Step(lexer, position, bytes[i]);
                if (next < 0)
                {
                    continue;
                }

                var child = targets[i];
                var stays = Terminals.CanContinue(lexer, next);
                if (stays && trie.TokensAt(child).Length > 0)
                {
                    var bits = _inside[Terminals.Remaining(lexer, next)] ??= new ulong[words];
                    foreach (var id in trie.TokensAt(child))
                    {
                        bits[id >> 6] |= 1UL << (id & 63);
                    }
                }

                if (Terminals.CanEnd(lexer, next))
                {
                    AddExits(child, depth + 1);
                }

                if (stays)
                {
                    Walk(child, next, depth + 1);
                }
            }
        }

        /// <summary>Every token under a node whose path lets the lexer end after <paramref name="endedAt"/> bytes.</summary>
        private void AddExits(int node, int endedAt)
        {
            foreach (var id in trie.TokensAt(node))
            {
                _exits.Add((trie.TokenBytes[id]![endedAt..], id));
            }

            foreach (var child in trie.EdgeTargets(node))
            {
                AddExits(child, endedAt);
            }
        }
    }
}
