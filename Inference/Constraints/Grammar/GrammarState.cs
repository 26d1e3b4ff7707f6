namespace Platform.Inference.Constraints.Grammar;

/// <summary>
/// Where a parse can be after the bytes so far: every stack whose top can take a byte, and whether the input is
/// already a complete sentence. Immutable; <c>Feed</c> gives the state after one more byte, or null when
/// no stack accepts it. Ambiguity (optional properties, <c>anyOf</c>, enums sharing a prefix) is several stacks.
/// </summary>
internal sealed class GrammarState : IEquatable<GrammarState>
{
    private const int MaxExpansionDepth = 512;
    private readonly Frame[] _stacks;
    private readonly int _hash;

    private GrammarState(Frame[] stacks, bool complete, int minRemaining)
    {
        _stacks = stacks;
        IsComplete = complete;
        _hash = Frame.StackHash(stacks[0]) * 31;
        MinRemaining = minRemaining;
    }

    private GrammarState(Frame[] stacks, bool complete)
    {
        _stacks = stacks;
        IsComplete = complete;
        var hash = complete ? 1 : 0;
        foreach (var stack in stacks)
        {
            // Order-independent: the same set reached two ways hashes alike.
            hash += Frame.StackHash(stack) * 31;
        }

        _hash = hash;
        var min = complete ? 0 : GrammarLengths.Unbounded;
        foreach (var stack in stacks)
        {
            min = Math.Min(min, Remaining(stack));
        }

        MinRemaining = min;
    }

    /// <summary>The bytes so far form a whole sentence (the end-of-sequence token may follow).</summary>
    public bool IsComplete { get; }

    /// <summary>Some byte may still follow.</summary>
    public bool CanContinue => _stacks.Length > 0;

    /// <summary>Fewest bytes to a complete sentence.</summary>
    public int MinRemaining { get; }

    /// <summary>The parse stacks, each topped by a literal or a lexer.</summary>
    internal ReadOnlySpan<Frame> Stacks => _stacks;

    /// <summary>
    /// A state of only some of this state's stacks, never complete: bytes move each stack on its own, so the
    /// tokens a state allows are the union of those its stacks allow one group at a time.
    /// </summary>
    internal static GrammarState OfStacks(Frame[] stacks) => new(stacks, complete: false);

    /// <summary>The state once the top of <paramref name="stack"/> has ended and the frames below take over; null when nothing can follow.</summary>
    internal static GrammarState? AfterTop(Frame stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var builder = new Builder();
        builder.Expand(stack.Next, 0);
        var next = builder.Build();
        return next.CanContinue || next.IsComplete ? next : null;
    }

    /// <exception cref="GrammarException">The grammar recurses without consuming input.</exception>
    public static GrammarState Start(GrammarNode root)
    {
        var builder = new Builder();
        builder.Expand(new Frame(root, 0, null), 0);
        return builder.Build();
    }

    public GrammarState? Feed(byte value)
    {
        // Most bytes of a masked vocabulary fall inside a string: one stack, the lexer moves, nothing else changes.
        if (_stacks.Length == 1 && !IsComplete && _stacks[0] is { Node: StringNode } top)
        {
            var position = StringLexer.Step(top.Position, value);
            if (position < 0)
            {
                return null;
            }

            if (position != StringLexer.Closed)
            {
                var remaining = MinRemaining - StringLexer.Remaining(top.Position) + StringLexer.Remaining(position);
                return new GrammarState([new Frame(top.Node, position, top.Next)], complete: false, remaining);
            }
        }

        Builder? builder = null;
        foreach (var stack in _stacks)
        {
            var position = Terminals.Step(stack.Node, stack.Position, value);
            if (position < 0)
            {
                continue;
            }

            builder ??= new Builder();
            builder.Expand(new Frame(stack.Node, position, stack.Next), 0);
        }

        return builder?.Build() is { } next && (next.CanContinue || next.IsComplete) ? next : null;
    }

    /// <summary>
    /// The parse is inside a JSON string and nowhere else (one stack, string on top): the string lexer's state,
    /// and the bytes that must follow the string before the structure is complete.
    /// </summary>
    public bool TryGetOpenString(out int lexerState, out int remainingAfterString)
    {
        if (_stacks.Length == 1 && !IsComplete && _stacks[0] is { Node: StringNode } top)
        {
            lexerState = top.Position;
            remainingAfterString = MinRemaining - StringLexer.Remaining(top.Position);
            return true;
        }

        lexerState = 0;
        remainingAfterString = 0;
        return false;
    }

    public GrammarState? Feed(ReadOnlySpan<byte> bytes)
    {
        var state = this;
        foreach (var value in bytes)
        {
            state = state.Feed(value);
            if (state is null)
            {
                return null;
            }
        }

        return state;
    }

    public bool Equals(GrammarState? other)
    {
        if (other is null || other._hash != _hash || other.IsComplete != IsComplete || other._stacks.Length != _stacks.Length)
        {
            return false;
        }

        foreach (var stack in _stacks)
        {
            if (!other._stacks.Any(s => Frame.StackEquals(s, stack)))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => obj is GrammarState other && Equals(other);

    public override int GetHashCode() => _hash;

    /// <summary>Fewest bytes that empty a stack (zero for none).</summary>
    internal static int Remaining(Frame? stack)
    {
        long total = 0;
        for (var frame = stack; frame is not null; frame = frame.Next)
        {
            total += frame.Node switch
            {
                SequenceNode sequence => sequence.SuffixMinLength[frame.Position],
                SeparatedNode separated => GrammarLengths.SeparatedRemaining(separated, frame.Position),
                _ => Terminals.Remaining(frame.Node, frame.Position),
            };
        }

        return (int)Math.Min(GrammarLengths.Unbounded, total);
    }

    /// <summary>Collects the stacks reachable without consuming a byte, without duplicates.</summary>
    private sealed class Builder
    {
        private readonly HashSet<Frame> _stacks = [];
        private bool _complete;

        public GrammarState Build() => new([.. _stacks], _complete);

        public void Expand(Frame? stack, int depth)
        {
            if (depth > MaxExpansionDepth)
            {
                throw new GrammarException("The schema recurses without consuming any input (for example a $ref that refers to itself).");
            }

            if (stack is null)
            {
                _complete = true;
                return;
            }

            var next = stack.Next;
            var position = stack.Position;
            switch (stack.Node)
            {
                case LiteralNode literal:
                    if (position < literal.Bytes.Length)
                    {
                        _stacks.Add(stack);
                    }
                    else
                    {
                        Expand(next, depth + 1);
                    }

                    break;
                case SequenceNode sequence:
                    if (position == sequence.Children.Count)
                    {
                        Expand(next, depth + 1);
                    }
                    else
                    {
                        Expand(new Frame(sequence.Children[position], 0, position + 1 == sequence.Children.Count ? next : new Frame(sequence, position + 1, next)), depth + 1);
                    }

                    break;
                case ChoiceNode choice:
                    foreach (var child in choice.Children)
                    {
                        Expand(new Frame(child, 0, next), depth + 1);
                    }

                    break;
                case ReferenceNode reference:
                    Expand(new Frame(reference.Target ?? throw new GrammarException($"'{reference.Name}' is not defined."), 0, next), depth + 1);
                    break;
                case SeparatedNode separated:
                    if (position >= separated.Min)
                    {
                        Expand(next, depth + 1);
                    }

                    if (position < separated.Max)
                    {
                        var item = new Frame(separated.Item, 0, new Frame(separated, position + 1, next));
                        Expand(position == 0 ? item : new Frame(separated.Separator, 0, item), depth + 1);
                    }

                    break;
                case StringNode:
                    if (StringLexer.CanContinue(position))
                    {
                        _stacks.Add(stack);
                    }

                    if (StringLexer.CanEnd(position))
                    {
                        Expand(next, depth + 1);
                    }

                    break;
                case FreeTextNode:
                    _stacks.Add(stack);
                    if (FreeTextNode.CanEnd(position))
                    {
                        Expand(next, depth + 1);
                    }

                    break;
                case NumberNode number:
                    if (NumberLexer.CanContinue(position, number.IntegerOnly))
                    {
                        _stacks.Add(stack);
                    }

                    if (NumberLexer.CanEnd(position))
                    {
                        Expand(next, depth + 1);
                    }

                    break;
            }
        }
    }
}
