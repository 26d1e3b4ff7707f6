namespace Platform.Inference.Constraints.Grammar;

/// <summary>
/// A node of a byte-level grammar. Literals and lexers consume bytes; sequences, choices, references and
/// separated lists only arrange them. <see cref="MinLength"/> is the fewest bytes that complete the node.
/// </summary>
public abstract class GrammarNode
{
    /// <summary>Filled by <see cref="GrammarLengths"/> once the whole graph (references included) is built.</summary>
    internal int MinLength { get; set; } = GrammarLengths.Unbounded;
}

/// <summary>Exact bytes.</summary>
internal sealed class LiteralNode(byte[] bytes) : GrammarNode
{
    public byte[] Bytes { get; } = bytes;

    public static LiteralNode Of(string text) => new(System.Text.Encoding.UTF8.GetBytes(text));
}

/// <summary>Children one after another.</summary>
internal sealed class SequenceNode(IReadOnlyList<GrammarNode> children) : GrammarNode
{
    public IReadOnlyList<GrammarNode> Children { get; } = children;

    /// <summary>Fewest bytes for children[i..]; index Count is 0.</summary>
    internal int[] SuffixMinLength { get; set; } = [];
}

/// <summary>Any one of the children.</summary>
internal sealed class ChoiceNode(IReadOnlyList<GrammarNode> children) : GrammarNode
{
    public IReadOnlyList<GrammarNode> Children { get; } = children;
}

/// <summary>A named definition, resolved after the nodes it may (recursively) contain are built.</summary>
internal sealed class ReferenceNode(string name) : GrammarNode
{
    public string Name { get; } = name;

    public GrammarNode? Target { get; set; }
}

/// <summary><c>item (separator item)*</c>, between <see cref="Min"/> and <see cref="Max"/> items.</summary>
internal sealed class SeparatedNode(GrammarNode item, LiteralNode separator, int min, int max) : GrammarNode
{
    public GrammarNode Item { get; } = item;

    public LiteralNode Separator { get; } = separator;

    public int Min { get; } = min;

    public int Max { get; } = max;
}

/// <summary>The rest of a JSON string after its opening quote, closing quote included.</summary>
internal sealed class StringNode : GrammarNode
{
}

/// <summary>A JSON number, or an integer when <see cref="IntegerOnly"/>.</summary>
internal sealed class NumberNode(bool integerOnly) : GrammarNode
{
    public bool IntegerOnly { get; } = integerOnly;
}
