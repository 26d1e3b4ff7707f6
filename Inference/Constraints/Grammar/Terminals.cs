namespace Platform.Inference.Constraints.Grammar;

/// <summary>
/// What a stack's top (always a literal or a lexer once a state is expanded) does with one byte, whether it may
/// take more bytes or end where it is, and the fewest bytes it still needs: the rules <see cref="GrammarState"/>
/// follows, shared with the mask walk so both judge a byte alike.
/// </summary>
internal static class Terminals
{
    /// <summary>A lexer accepts many bytes at each step (a mask walks its whole subtree); a literal accepts one.</summary>
    public static bool IsLexer(GrammarNode node) => node is StringNode or NumberNode or FreeTextNode;

    /// <summary>The position after <paramref name="value"/>, or -1 when the byte cannot follow.</summary>
    public static int Step(GrammarNode node, int position, byte value) => node switch
    {
        LiteralNode literal => literal.Bytes[position] == value ? position + 1 : -1,
        StringNode => StringLexer.Step(position, value),
        NumberNode number => NumberLexer.Step(position, value, number.IntegerOnly),
        FreeTextNode text => text.Step(position, value),
        _ => -1,
    };

    /// <summary>Another byte may follow inside the terminal (the stack stays in the state).</summary>
    public static bool CanContinue(GrammarNode node, int position) => node switch
    {
        LiteralNode literal => position < literal.Bytes.Length,
        StringNode => StringLexer.CanContinue(position),
        NumberNode number => NumberLexer.CanContinue(position, number.IntegerOnly),
        FreeTextNode => true,
        _ => false,
    };

    /// <summary>The terminal may end here (the stack below it takes over).</summary>
    public static bool CanEnd(GrammarNode node, int position) => node switch
    {
        LiteralNode literal => position == literal.Bytes.Length,
        StringNode => StringLexer.CanEnd(position),
        NumberNode => NumberLexer.CanEnd(position),
        FreeTextNode => FreeTextNode.CanEnd(position),
        _ => false,
    };

    /// <summary>Fewest bytes that finish the terminal from <paramref name="position"/>.</summary>
    public static int Remaining(GrammarNode node, int position) => node switch
    {
        LiteralNode literal => literal.Bytes.Length - position,
        StringNode => StringLexer.Remaining(position),
        NumberNode => NumberLexer.Remaining(position),
        FreeTextNode => FreeTextNode.Remaining(position),
        _ => node.MinLength,
    };
}
