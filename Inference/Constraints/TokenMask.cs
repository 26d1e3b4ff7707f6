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

    public static TokenMask Compute(ConstraintVocabulary vocabulary, GrammarState state, int budget)
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

    /// <summary>Sets every refused token's logit to minus infinity.</summary>
    public void Apply(Span<float> logits)
    {
        var known = Math.Min(logits.Length, _bits.Length * 64);
        logits[known..].Fill(float.NegativeInfinity);
        for (var id = 0; id < known; id++)
        {
            if ((_bits[id >> 6] & (1UL << (id & 63))) == 0)
            {
                logits[id] = float.NegativeInfinity;
            }
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
