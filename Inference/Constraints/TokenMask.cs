using Platform.Inference.Constraints.Grammar;
using Platform.Inference.Constraints.Vocabulary;

namespace Platform.Inference.Constraints;

/// <summary>
/// The tokens allowed after a parse state: a token is allowed when its bytes extend the parse and the structure
/// can still be closed within the budget (tokens left after it). Valid for every budget in
/// [<see cref="_maxNeeded"/>, <see cref="_minRefused"/>), which lets consecutive steps and other sequences reuse it.
/// </summary>
internal sealed class TokenMask
{
    private readonly ulong[] _bits;
    private readonly int _maxNeeded;
    private readonly int _minRefused;

    private TokenMask(ulong[] bits, int maxNeeded, int minRefused)
    {
        _bits = bits;
        _maxNeeded = maxNeeded;
        _minRefused = minRefused;
    }

    public bool ValidFor(int budget) => budget >= _maxNeeded && budget < _minRefused;

    public bool Allows(int id) => (_bits[id >> 6] & (1UL << (id & 63))) != 0;

    /// <summary>
    /// Inside a string (most steps of a JSON output) the precomputed per-lexer-state token sets give the mask with
    /// a few bitset ORs, and only the tokens that close the string are checked against the grammar; elsewhere
    /// the vocabulary's byte trie is walked from the state.
    /// </summary>
    public static TokenMask Compute(ConstraintVocabulary vocabulary, GrammarState state, int budget) =>
        state.TryGetOpenString(out var lexerState, out var afterString)
            ? ComputeInString(vocabulary, state, lexerState, afterString, budget)
            : ComputeByWalk(vocabulary, state, budget);

    /// <summary>The mask by walking the whole byte trie from the state: the reference the faster paths must equal.</summary>
    public static TokenMask ComputeByWalk(ConstraintVocabulary vocabulary, GrammarState state, int budget)
    {
        var walk = new Walk(vocabulary.Trie, budget, new ulong[(vocabulary.Size + 63) / 64]);
        walk.Visit(TokenTrie.Root, state);
        if (state.IsComplete)
        {
            foreach (var id in vocabulary.EndOfSequenceIds)
            {
                if ((uint)id < (uint)vocabulary.Size)
                {
                    walk.Bits[id >> 6] |= 1UL << (id & 63);
                }
            }
        }

        return new TokenMask(walk.Bits, walk.MaxNeeded, walk.MinRefused);
    }

    /// <summary>Sets every refused token's logit to minus infinity, a 64-token word at a time.</summary>
    public void Apply(Span<float> logits)
    {
        var known = Math.Min(logits.Length, _bits.Length * 64);
        logits[known..].Fill(float.NegativeInfinity);
        for (var word = 0; word * 64 < known; word++)
        {
            var start = word * 64;
            var length = Math.Min(64, known - start);
            var refused = ~_bits[word] & (length == 64 ? ulong.MaxValue : (1UL << length) - 1);
            if (refused == 0)
            {
                continue;
            }

            if (refused == ulong.MaxValue)
            {
                logits.Slice(start, 64).Fill(float.NegativeInfinity);
                continue;
            }

            while (refused != 0)
            {
                logits[start + System.Numerics.BitOperations.TrailingZeroCount(refused)] = float.NegativeInfinity;
                refused &= refused - 1;
            }
        }
    }

    /// <summary>The same tokens as a trie walk would allow, with identical budget bounds.</summary>
    internal bool SameAs(TokenMask other) =>
        _bits.AsSpan().SequenceEqual(other._bits) && _maxNeeded == other._maxNeeded && _minRefused == other._minRefused;

    private static TokenMask ComputeInString(ConstraintVocabulary vocabulary, GrammarState state, int lexerState, int afterString, int budget)
    {
        var entry = vocabulary.Strings.For(lexerState);
        var bits = new ulong[(vocabulary.Size + 63) / 64];
        var maxNeeded = 0;
        var minRefused = int.MaxValue;
        for (var remaining = 1; remaining <= StringTokenTable.MaxRemaining; remaining++)
        {
            if (entry.InsideByRemaining[remaining - 1] is not { } inside)
            {
                continue;
            }

            var needed = afterString + remaining;
            if (needed > budget)
            {
                minRefused = Math.Min(minRefused, needed);
                continue;
            }

            maxNeeded = Math.Max(maxNeeded, needed);
            Or(bits, inside);
        }

        if (entry.ClosingSuffixes.Length > 0 && state.AfterStringCloses() is { } closed)
        {
            for (var i = 0; i < entry.ClosingSuffixes.Length; i++)
            {
                if (closed.Feed(entry.ClosingSuffixes[i]) is not { } next)
                {
                    continue;
                }

                var needed = next.MinRemaining;
                if (needed > budget)
                {
                    minRefused = Math.Min(minRefused, needed);
                    continue;
                }

                maxNeeded = Math.Max(maxNeeded, needed);
                foreach (var id in entry.ClosingTokens[i])
                {
                    bits[id >> 6] |= 1UL << (id & 63);
                }
            }
        }

        return new TokenMask(bits, maxNeeded, minRefused);
    }

    private static void Or(ulong[] target, ulong[] source)
    {
        var length = target.Length;
        var i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            var width = System.Numerics.Vector<ulong>.Count;
            for (; i <= length - width; i += width)
            {
                (new System.Numerics.Vector<ulong>(target, i) | new System.Numerics.Vector<ulong>(source, i)).CopyTo(target, i);
            }
        }

        for (; i < length; i++)
        {
            target[i] |= source[i];
        }
    }

    private sealed class Walk(TokenTrie trie, int budget, ulong[] bits)
    {
        public ulong[] Bits { get; } = bits;

        public int MaxNeeded { get; private set; }

        public int MinRefused { get; private set; } = int.MaxValue;

        public void Visit(int node, GrammarState state)
        {
            var bytes = trie.EdgeBytes(node);
            for (var i = 0; i < bytes.Length; i++)
            {
                if (state.Feed(bytes[i]) is not { } next)
                {
                    continue;
                }

                var child = trie.EdgeTargets(node)[i];
                var needed = next.MinRemaining;
                foreach (var id in trie.TokensAt(child))
                {
                    if (needed <= budget)
                    {
                        Bits[id >> 6] |= 1UL << (id & 63);
                        MaxNeeded = Math.Max(MaxNeeded, needed);
                    }
                    else
                    {
                        MinRefused = Math.Min(MinRefused, needed);
                    }
                }

                Visit(child, next);
            }
        }
    }
}
