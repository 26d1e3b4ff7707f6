using Platform.Inference.Constraints.Grammar;

namespace Platform.Inference.Constraints;

/// <summary>One generation's place in its constraint: masks the logits before sampling, then follows the chosen token.</summary>
internal sealed class ConstraintCursor(TokenConstraint constraint)
{
    private GrammarState _state = constraint.Start;

    internal GrammarState State => _state;

    /// <summary>The structure is complete and nothing may follow it: generation stops here.</summary>
    public bool Closed => _state.IsComplete && !_state.CanContinue;

    /// <param name="logits">One row of logits, changed in place.</param>
    /// <param name="budget">Tokens that may still follow the one being chosen.</param>
    public void Apply(Span<float> logits, int budget) => constraint.MaskFor(_state, Math.Max(0, budget)).Apply(logits);

    public void Advance(int token)
    {
        if (constraint.Vocabulary.EndOfSequenceIds.Contains(token))
        {
            return;
        }

        _state = _state.Feed(constraint.Vocabulary.BytesOf(token))
            ?? throw new InvalidOperationException($"Token {token} does not follow the constraint; the mask should have refused it.");
    }
}
