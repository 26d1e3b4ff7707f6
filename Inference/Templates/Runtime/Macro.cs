using Platform.Inference.Templates.Syntax;

namespace Platform.Inference.Templates.Runtime;

/// <summary>A <c>{% macro %}</c>: it sees the scope it was defined in (lexical, as in Jinja) and returns its rendered body.</summary>
internal sealed class Macro(MacroStatement definition, Scope definingScope) : TemplateCallable
{
    public MacroStatement Definition { get; } = definition;

    public Scope DefiningScope { get; } = definingScope;

    public override string Name => Definition.Name;

    public override object? Invoke(Renderer renderer, CallArguments arguments) =>
        renderer.InvokeMacro(Definition.Parameters, Definition.Body, DefiningScope, arguments, caller: null);
}

/// <summary><c>caller()</c> inside a macro invoked by <c>{% call %}</c>: renders the call block's body.</summary>
internal sealed class Caller(CallBlockStatement block, Scope scope) : TemplateCallable
{
    public override string Name => "caller";

    public override object? Invoke(Renderer renderer, CallArguments arguments) =>
        renderer.InvokeMacro(block.CallerParameters, block.Body, scope, arguments, caller: null);
}
