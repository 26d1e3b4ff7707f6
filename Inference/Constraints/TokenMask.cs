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
    /// The mask as served: string and number lexers at the trie's root read the vocabulary's precomputed tables,
    /// literals follow only the edges they name, other lexers run on integers (see <see cref="MaskWalk"/>).
    /// </summary>
    public static TokenMask Compute(ConstraintVocabulary vocabulary, GrammarState state, int budget)
    {
        var walk = new MaskWalk(vocabulary, budget);
        walk.FromRoot(state);
        AllowEndOfSequence(vocabulary, state, walk.Bits);
        return new TokenMask(walk.Bits, walk.MaxNeeded, walk.MinRefused);
    }

    /// <summary>The mask by walking the whole byte trie from the state: the reference the faster paths must equal.</summary>
    public static TokenMask ComputeByWalk(ConstraintVocabulary vocabulary, GrammarState state, int budget)
    {
        var walk = new Walk(vocabulary.Trie, budget, new ulong[(vocabulary.Size + 63) / 64]);
        walk.Visit(TokenTrie.Root, state);
        AllowEndOfSequence(vocabulary, state, walk.Bits);
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

    /// <summary>
    /// Allows exactly the tokens the reference walk allows, at <paramref name="budget"/> and within the reference's
    /// reuse range (a path-by-path bound may be narrower than the token-by-token one, never wider).
    /// </summary>
    internal bool Agrees(TokenMask reference, int budget) =>
        _bits.AsSpan().SequenceEqual(reference._bits) && ValidFor(budget)
        && _maxNeeded >= reference._maxNeeded && _minRefused <= reference._minRefused;

    private static void AllowEndOfSequence(ConstraintVocabulary vocabulary, GrammarState state, ulong[] bits)
    {
        if (!state.IsComplete)
        {
            return;
        }

        foreach (var id in vocabulary.EndOfSequenceIds)
        {
            if ((uint)id < (uint)vocabulary.Size)
            {
                bits[id >> 6] |= 1UL << (id & 63);
            }
        }
    }

    /// <summary>The reference: every trie edge fed to the whole state, one byte at a time.</summary>
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
