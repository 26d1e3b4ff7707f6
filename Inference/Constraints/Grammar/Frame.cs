namespace Platform.Inference.Constraints.Grammar;

/// <summary>
/// One entry of an immutable parse stack: a node and how far into it we are (a literal's byte, a sequence's next
/// child, a list's item count, a lexer's state). Stacks share their tails and compare by value.
/// </summary>
internal sealed class Frame : IEquatable<Frame>
{
    private readonly int _hash;

    public Frame(GrammarNode node, int position, Frame? next)
    {
        Node = node;
        Position = position;
        Next = next;
        Depth = (next?.Depth ?? 0) + 1;
        _hash = HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(node), position, next?._hash ?? 0);
    }

    public GrammarNode Node { get; }

    public int Position { get; }

    public Frame? Next { get; }

    public int Depth { get; }

    public static bool StackEquals(Frame? a, Frame? b)
    {
        while (true)
        {
            if (ReferenceEquals(a, b))
            {
                return true;
            }

            if (a is null || b is null || a._hash != b._hash || !ReferenceEquals(a.Node, b.Node) || a.Position != b.Position)
            {
                return false;
            }

            a = a.Next;
            b = b.Next;
        }
    }

    public static int StackHash(Frame? frame) => frame?._hash ?? 0;

    public bool Equals(Frame? other) => StackEquals(this, other);

    public override bool Equals(object? obj) => obj is Frame other && Equals(other);

    public override int GetHashCode() => _hash;
}
