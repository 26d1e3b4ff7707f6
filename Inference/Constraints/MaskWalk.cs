using Platform.Inference.Constraints.Grammar;
using Platform.Inference.Constraints.Vocabulary;

namespace Platform.Inference.Constraints;

/// <summary>
/// The exact allowed-token set of a state, found without feeding the grammar byte by byte where a lexer is on top.
/// Bytes move each parse stack on its own, so the walk takes a state's stacks apart: literal-topped stacks follow
/// the few trie edges their next bytes name; a string or number lexer at the vocabulary's root reads its
/// precomputed <see cref="LexerTokenTable"/> entry (bitset ORs, then only the token rests after the lexer ends are
/// walked), and free text there its <see cref="FreeTextTokenTable"/>; any other lexer (deeper in the trie) is run
/// over its subtree on plain integers, the grammar state being built only where the lexer ends. A token reached
/// by several paths is allowed when one allows it; each path's budget bound is kept, which keeps the mask's reuse
/// range within the exact one.
/// </summary>
internal sealed class MaskWalk(ConstraintVocabulary vocabulary, int budget)
{
    public ulong[] Bits { get; } = new ulong[(vocabulary.Size + 63) / 64];

    public int MaxNeeded { get; private set; }

    public int MinRefused { get; private set; } = int.MaxValue;

    public void FromRoot(GrammarState state) => Walk(vocabulary.Trie, TokenTrie.Root, state);

    /// <summary>Every token below <paramref name="node"/> (not at it) that <paramref name="state"/>, reached at the node, allows.</summary>
    private void Walk(TokenTrie trie, int node, GrammarState state)
    {
        var stacks = state.Stacks;
        var lexers = 0;
        foreach (var stack in stacks)
        {
            if (Terminals.IsLexer(stack.Node))
            {
                lexers++;
                Lexer(trie, node, stack);
            }
        }

        if (lexers == 0)
        {
            FollowLiterals(trie, node, state, stacks);
        }
        else if (lexers < stacks.Length)
        {
            var literals = new List<Frame>(stacks.Length - lexers);
            foreach (var stack in stacks)
            {
                if (!Terminals.IsLexer(stack.Node))
                {
                    literals.Add(stack);
                }
            }

            var only = literals.ToArray();
            FollowLiterals(trie, node, GrammarState.OfStacks(only), only);
        }
    }

    /// <summary>Literal tops name one next byte each: only those edges are fed to the grammar.</summary>
    private void FollowLiterals(TokenTrie trie, int node, GrammarState state, ReadOnlySpan<Frame> literals)
    {
        Span<ulong> tried = stackalloc ulong[4];
        foreach (var stack in literals)
        {
            var value = ((LiteralNode)stack.Node).Bytes[stack.Position];
            if ((tried[value >> 6] & (1UL << (value & 63))) != 0)
            {
                continue;
            }

            tried[value >> 6] |= 1UL << (value & 63);
            var child = trie.Child(node, value);
            if (child < 0 || state.Feed(value) is not { } next)
            {
                continue;
            }

            Add(trie.TokensAt(child), next.MinRemaining);
            Walk(trie, child, next);
        }
    }

    private void Lexer(TokenTrie trie, int node, Frame stack)
    {
        var below = GrammarState.Remaining(stack.Next);
        var atRoot = node == TokenTrie.Root && ReferenceEquals(trie, vocabulary.Trie);
        if (atRoot && vocabulary.Lexers.TryGet(stack, out var entry))
        {
            for (var remaining = 0; remaining < entry.InsideByRemaining.Length; remaining++)
            {
                if (entry.InsideByRemaining[remaining] is { } inside)
                {
                    Or(inside, remaining + below);
                }
            }

            if (!entry.Exits.IsEmpty && GrammarState.AfterTop(stack) is { } afterLexer)
            {
                Add(entry.Exits.TokensAt(TokenTrie.Root), afterLexer.MinRemaining);
                Walk(entry.Exits, TokenTrie.Root, afterLexer);
            }

            return;
        }

        if (atRoot && stack.Node is FreeTextNode text && GrammarState.AfterTop(stack) is var after && !HasLexer(after))
        {
            FreeTextAtRoot(vocabulary.FreeText(text, stack.Position), after, below);
            return;
        }

        new LexerRun(this, trie, stack, below).Visit(node, stack.Position);
    }

    /// <summary>Free text from the table; where it may end, only the rests starting with a byte the literals after it name are walked.</summary>
    private void FreeTextAtRoot(FreeTextTokenTable table, GrammarState? after, int below)
    {
        for (var remaining = 0; remaining < table.InsideByRemaining.Length; remaining++)
        {
            if (table.InsideByRemaining[remaining] is { } inside)
            {
                Or(inside, remaining + below);
            }
        }

        if (after is null)
        {
            return;
        }

        Or(table.EndsAtEnd, after.MinRemaining);
        Span<ulong> tried = stackalloc ulong[4];
        foreach (var stack in after.Stacks)
        {
            var value = ((LiteralNode)stack.Node).Bytes[stack.Position];
            if ((tried[value >> 6] & (1UL << (value & 63))) == 0)
            {
                tried[value >> 6] |= 1UL << (value & 63);
                Walk(table.RestsStartingWith(value), TokenTrie.Root, after);
            }
        }
    }

    private static bool HasLexer(GrammarState? state)
    {
        if (state is null)
        {
            return false;
        }

        foreach (var stack in state.Stacks)
        {
            if (Terminals.IsLexer(stack.Node))
            {
                return true;
            }
        }

        return false;
    }

    private void Add(ReadOnlySpan<int> tokens, int needed)
    {
        if (tokens.IsEmpty)
        {
            return;
        }

        if (needed > budget)
        {
            MinRefused = Math.Min(MinRefused, needed);
            return;
        }

        MaxNeeded = Math.Max(MaxNeeded, needed);
        foreach (var id in tokens)
        {
            Bits[id >> 6] |= 1UL << (id & 63);
        }
    }

    private void Or(ulong[] source, int needed)
    {
        if (needed > budget)
        {
            MinRefused = Math.Min(MinRefused, needed);
            return;
        }

        MaxNeeded = Math.Max(MaxNeeded, needed);
        var target = Bits;
        var i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            var width = System.Numerics.Vector<ulong>.Count;
            for (; i <= target.Length - width; i += width)
            {
                (new System.Numerics.Vector<ulong>(target, i) | new System.Numerics.Vector<ulong>(source, i)).CopyTo(target, i);
            }
        }

        for (; i < target.Length; i++)
        {
            target[i] |= source[i];
        }
    }

    /// <summary>One lexer-topped stack run over a subtree: positions are integers; the state below is built once, where the lexer first ends.</summary>
    private sealed class LexerRun(MaskWalk walk, TokenTrie trie, Frame stack, int below)
    {
        private GrammarState? _after;
        private bool _afterKnown;

        public void Visit(int node, int position)
        {
            var lexer = stack.Node;
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
                if (stays)
                {
                    walk.Add(trie.TokensAt(child), Terminals.Remaining(lexer, next) + below);
                }

                if (Terminals.CanEnd(lexer, next) && After() is { } after)
                {
                    walk.Add(trie.TokensAt(child), after.MinRemaining);
                    walk.Walk(trie, child, after);
                }

                if (stays)
                {
                    Visit(child, next);
                }
            }
        }

        private GrammarState? After()
        {
            if (!_afterKnown)
            {
                _after = GrammarState.AfterTop(stack);
                _afterKnown = true;
            }

            return _after;
        }
    }
}
