namespace Platform.Inference.Constraints.Grammar;

/// <summary>Any compact JSON value, and any JSON object (for <c>json_object</c> and schemas that allow anything).</summary>
internal sealed class JsonGrammar
{
    public JsonGrammar()
    {
        var value = new ReferenceNode("json-value");
        var str = new SequenceNode([LiteralNode.Of("\""), new StringNode()]);
        var member = new SequenceNode([str, LiteralNode.Of(":"), value]);
        Object = new SequenceNode([LiteralNode.Of("{"), new SeparatedNode(member, LiteralNode.Of(","), 0, int.MaxValue / 2), LiteralNode.Of("}")]);
        var array = new SequenceNode([LiteralNode.Of("["), new SeparatedNode(value, LiteralNode.Of(","), 0, int.MaxValue / 2), LiteralNode.Of("]")]);
        value.Target = new ChoiceNode([Object, array, str, new NumberNode(integerOnly: false), LiteralNode.Of("true"), LiteralNode.Of("false"), LiteralNode.Of("null")]);
        Value = value;
    }

    public GrammarNode Value { get; }

    public GrammarNode Object { get; }
}
