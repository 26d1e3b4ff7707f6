namespace Platform.Inference.Constraints.Grammar;

/// <summary>Fewest bytes that complete each node, by fixed point so recursive references settle.</summary>
internal static class GrammarLengths
{
    public const int Unbounded = int.MaxValue / 4;

    public static void Compute(GrammarNode root)
    {
        var nodes = new List<GrammarNode>();
        Collect(root, new HashSet<GrammarNode>(ReferenceEqualityComparer.Instance), nodes);
        bool changed;
        do
        {
            changed = false;
            foreach (var node in nodes)
            {
                var length = Math.Min(Unbounded, Of(node));
                if (length < node.MinLength)
                {
                    node.MinLength = length;
                    changed = true;
                }
            }
        }
        while (changed);

        foreach (var sequence in nodes.OfType<SequenceNode>())
        {
            var suffix = new int[sequence.Children.Count + 1];
            for (var i = sequence.Children.Count - 1; i >= 0; i--)
            {
                suffix[i] = Math.Min(Unbounded, suffix[i + 1] + sequence.Children[i].MinLength);
            }

            sequence.SuffixMinLength = suffix;
        }
    }

    /// <summary>Fewest bytes for a separated list that already holds <paramref name="count"/> items (none open).</summary>
    public static int SeparatedRemaining(SeparatedNode node, int count)
    {
        long item = node.Item.MinLength;
        long each = item + node.Separator.Bytes.Length;
        var length = count == 0
            ? (node.Min == 0 ? 0 : item + ((node.Min - 1) * each))
            : Math.Max(0, node.Min - count) * each;
        return (int)Math.Min(Unbounded, length);
    }

    private static int Of(GrammarNode node) => node switch
    {
        LiteralNode literal => literal.Bytes.Length,
        SequenceNode sequence => (int)Math.Min(Unbounded, sequence.Children.Sum(c => (long)c.MinLength)),
        ChoiceNode choice => choice.Children.Count == 0 ? Unbounded : choice.Children.Min(c => c.MinLength),
        ReferenceNode reference => reference.Target?.MinLength ?? Unbounded,
        SeparatedNode separated => SeparatedRemaining(separated, 0),
        StringNode => 1,
        NumberNode => 1,
        FreeTextNode => 0,
        _ => throw new InvalidOperationException($"Unknown grammar node {node.GetType().Name}."),
    };

    private static void Collect(GrammarNode node, HashSet<GrammarNode> seen, List<GrammarNode> nodes)
    {
        if (!seen.Add(node))
        {
            return;
        }

        nodes.Add(node);
        switch (node)
        {
            case SequenceNode sequence:
                sequence.Children.ToList().ForEach(c => Collect(c, seen, nodes));
                break;
            case ChoiceNode choice:
                choice.Children.ToList().ForEach(c => Collect(c, seen, nodes));
                break;
            case ReferenceNode { Target: { } target }:
                Collect(target, seen, nodes);
                break;
            case SeparatedNode separated:
                Collect(separated.Item, seen, nodes);
                Collect(separated.Separator, seen, nodes);
                break;
        }
    }
}
