using System.Text.Json;
using Platform.Inference.Constraints.Grammar;
using Platform.Inference.Constraints.Schema;

namespace Platform.Inference.Constraints.Tools;

/// <summary>A function a tool call may name, with its parameters' schema (null takes any object).</summary>
public sealed record ToolGrammarFunction(string Name, JsonElement? Parameters, bool Strict);

/// <summary>
/// Grammars for tool calls in a model's syntax: <see cref="Calls"/> forces one or more calls (<c>required</c> or a
/// named function); <see cref="TextOrCalls"/> lets free text come first and constrains only what follows the
/// call markup (<c>auto</c>); <see cref="TextOnly"/> never lets the markup start (<c>none</c>).
/// </summary>
public static class ToolCallGrammar
{
    private const int MaxParallelCalls = 16;

    /// <exception cref="GrammarException">A function's parameters are outside the schema subset (the message names the function).</exception>
    public static GrammarNode Calls(ToolCallSyntax syntax, IReadOnlyList<ToolGrammarFunction> functions, bool parallel)
    {
        ArgumentNullException.ThrowIfNull(syntax);
        ArgumentNullException.ThrowIfNull(functions);
        var call = Call(functions);
        var max = parallel ? MaxParallelCalls : 1;
        GrammarNode root = syntax.BlockPerCall
            ? new SeparatedNode(new SequenceNode([LiteralNode.Of(syntax.Open), call, LiteralNode.Of(syntax.Close)]), LiteralNode.Of(syntax.Separator), 1, max)
            : new SequenceNode([LiteralNode.Of(syntax.Open), new SeparatedNode(call, LiteralNode.Of(syntax.Separator), 1, max), LiteralNode.Of(syntax.Close)]);
        GrammarLengths.Compute(root);
        return root;
    }

    public static GrammarNode TextOrCalls(ToolCallSyntax syntax, IReadOnlyList<ToolGrammarFunction> functions, bool parallel)
    {
        ArgumentNullException.ThrowIfNull(syntax);
        var root = new SequenceNode([new FreeTextNode(syntax.Trigger), new ChoiceNode([new SequenceNode([]), Calls(syntax, functions, parallel)])]);
        GrammarLengths.Compute(root);
        return root;
    }

    public static GrammarNode TextOnly(ToolCallSyntax syntax)
    {
        ArgumentNullException.ThrowIfNull(syntax);
        var root = new FreeTextNode(syntax.Trigger);
        GrammarLengths.Compute(root);
        return root;
    }

    /// <summary><c>{"name": "NAME", "arguments": ARGS}</c> for any of the functions, ARGS valid under that function's parameters.</summary>
    private static SequenceNode Call(IReadOnlyList<ToolGrammarFunction> functions)
    {
        var named = functions.Select(f =>
        {
            GrammarNode arguments;
            try
            {
                arguments = f.Parameters is { } schema ? SchemaCompiler.Compile(schema, f.Strict) : SchemaCompiler.AnyObject();
            }
            catch (GrammarException ex)
            {
                throw new GrammarException($"The parameters of function '{f.Name}': {ex.Message}", ex.Keyword, ex.Path);
            }

            return (GrammarNode)new SequenceNode([LiteralNode.Of(JsonText.Quote(f.Name) + ", \"arguments\": "), arguments]);
        });
        return new SequenceNode([LiteralNode.Of("{\"name\": "), new ChoiceNode([.. named]), LiteralNode.Of("}")]);
    }
}
