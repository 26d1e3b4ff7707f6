namespace Platform.Inference.Templates.Runtime;

/// <summary>Anything a template can call: globals, macros, <c>caller</c> and methods taken without calling them.</summary>
internal abstract class TemplateCallable
{
    public abstract string Name { get; }

    public abstract object? Invoke(Renderer renderer, CallArguments arguments);
}

/// <summary>A built-in global such as <c>range</c> or <c>namespace</c>; stateless, so one instance serves every render.</summary>
internal sealed class BuiltinFunction(string name, Func<Renderer, CallArguments, object?> body) : TemplateCallable
{
    public override string Name { get; } = name;

    public override object? Invoke(Renderer renderer, CallArguments arguments) => body(renderer, arguments);
}

/// <summary>A string or dict method referenced without calling it, such as <c>message.content.strip</c>.</summary>
internal sealed class BoundMethod(object target, string name) : TemplateCallable
{
    public override string Name { get; } = name;

    public override object? Invoke(Renderer renderer, CallArguments arguments) =>
        Methods.TryInvoke(target, Name, arguments, out var result)
            ? result
            : throw new EvaluationException($"'{Name}' is not a method of {Values.TypeName(target)}");
}
