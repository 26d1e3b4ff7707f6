using System.Collections.Concurrent;
using Platform.Inference.Constraints.Grammar;

namespace Platform.Inference.Constraints;

/// <summary>
/// A compiled grammar on one model's vocabulary: each generation gets its own cursor, and every cursor shares
/// the masks already computed for a parse state (the mask depends only on the state and the token budget).
/// </summary>
public sealed class TokenConstraint
{
    private const int MaxCachedMasks = 4096;
    private readonly ConcurrentDictionary<GrammarState, TokenMask> _masks = new();

    public TokenConstraint(GrammarNode root, ConstraintVocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(root);
        Vocabulary = vocabulary ?? throw new ArgumentNullException(nameof(vocabulary));
        if (root.MinLength >= GrammarLengths.Unbounded)
        {
            GrammarLengths.Compute(root);
        }

        Start = GrammarState.Start(root);
    }

    public ConstraintVocabulary Vocabulary { get; }

    /// <summary>
    /// The fewest tokens that always suffice to finish the structure: its shortest text in bytes, since every byte
    /// is a token of its own in byte-level and byte-fallback vocabularies.
    /// </summary>
    public int MinTokens => Start.MinRemaining;

    internal GrammarState Start { get; }

    internal ConstraintCursor CreateCursor() => new(this);

    internal TokenMask MaskFor(GrammarState state, int budget)
    {
        if (_masks.TryGetValue(state, out var cached) && cached.ValidFor(budget))
        {
            return cached;
        }

        var mask = TokenMask.Compute(Vocabulary, state, budget);
        if (_masks.Count >= MaxCachedMasks)
        {
            _masks.Clear();
        }

        _masks[state] = mask;
        return mask;
    }
}
