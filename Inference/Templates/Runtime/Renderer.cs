using System.Runtime.CompilerServices;
using System.Text;
using Platform.Inference.Templates.Lexing;
using Platform.Inference.Templates.Syntax;

namespace Platform.Inference.Templates.Runtime;

/// <summary>
/// One render of a parsed template: executes statements into a <see cref="StringBuilder"/>. A new instance per render
/// keeps rendering thread-safe; the syntax tree it walks is immutable.
/// </summary>
internal sealed partial class Renderer(string source, TimeProvider clock)
{
    public TimeProvider Clock { get; } = clock;

    public string Render(IReadOnlyList<Statement> body, Scope globals)
    {
        var output = new StringBuilder(1024);
        Execute(body, globals, output);
        return output.ToString();
    }

    public string RenderToString(IReadOnlyList<Statement> body, Scope scope, out Flow flow)
    {
        var output = new StringBuilder();
        flow = Execute(body, scope, output);
        return output.ToString();
    }

    private Flow Execute(IReadOnlyList<Statement> body, Scope scope, StringBuilder output)
    {
        for (var i = 0; i < body.Count; i++)
        {
            var flow = Execute(body[i], scope, output);
            if (flow != Flow.Normal)
            {
                return flow;
            }
        }

        return Flow.Normal;
    }

    private Flow Execute(Statement statement, Scope scope, StringBuilder output)
    {
        try
        {
            EnsureStack();
            switch (statement)
            {
                case TextStatement text:
                    output.Append(text.Text);
                    return Flow.Normal;
                case OutputStatement print:
                    AppendOutput(output, Evaluate(print.Value, scope));
                    return Flow.Normal;
                case IfStatement branch:
                    return Execute(Values.IsTruthy(Evaluate(branch.Test, scope)) ? branch.Body : branch.Otherwise, scope, output);
                case ForStatement loop:
                    return ExecuteFor(loop, scope, output);
                case SetStatement set:
                    return ExecuteSet(set, scope);
                case MacroStatement macro:
                    scope.Set(macro.Name, new Macro(macro, scope));
                    return Flow.Normal;
                case CallBlockStatement call:
                    AppendOutput(output, CallWithCaller(call, scope));
                    return Flow.Normal;
                case FilterBlockStatement filter:
                    var rendered = RenderToString(filter.Body, scope, out var flow);
                    AppendOutput(output, Filters.Apply(this, rendered, filter.Filter, EvaluateArguments(filter.Arguments, scope)));
                    return flow;
                case BreakStatement:
                    return Flow.Break;
                case ContinueStatement:
                    return Flow.Continue;
                default:
                    throw new EvaluationException($"Unsupported statement {statement.GetType().Name}");
            }
        }
        catch (EvaluationException e)
        {
            throw new TemplateRenderException($"{e.Message} (at {SourceText.Describe(source, statement.Position)})", e);
        }
        catch (Exception e) when (e is ArgumentException or InvalidCastException or InvalidOperationException or IndexOutOfRangeException
            or OverflowException or FormatException or KeyNotFoundException)
        {
            // A gap in our own checks; callers still get the one render exception type, with the cause inside.
            throw new TemplateRenderException($"Cannot render: {e.Message} (at {SourceText.Describe(source, statement.Position)})", e);
        }
    }

    /// <summary>Runaway recursion (a macro calling itself) fails the render instead of overflowing the stack, which would end the process.</summary>
    private static void EnsureStack()
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new EvaluationException("The template recursed too deeply");
        }
    }

    private static void AppendOutput(StringBuilder output, object? value)
    {
        if (value is string s)
        {
            output.Append(s);
        }
        else
        {
            output.Append(ValueFormatter.Output(value));
        }
    }

    private Flow ExecuteFor(ForStatement loop, Scope scope, StringBuilder output)
    {
        var items = Values.Iterate(Evaluate(loop.Iterable, scope));
        var loopScope = new Scope(scope);
        if (loop.Filter is not null)
        {
            var selected = new List<object?>();
            foreach (var item in items)
            {
                Bind(loop.Target, Values.Normalize(item), loopScope);
                if (Values.IsTruthy(Evaluate(loop.Filter, loopScope)))
                {
                    selected.Add(item);
                }
            }

            items = selected;
        }

        if (items.Count == 0)
        {
            return Execute(loop.Otherwise, loopScope, output);
        }

        var state = new LoopState(items);
        loopScope.Set("loop", state);
        for (var i = 0; i < items.Count; i++)
        {
            state.Position = i;
            Bind(loop.Target, Values.Normalize(items[i]), loopScope);
            if (Execute(loop.Body, loopScope, output) == Flow.Break)
            {
                break;
            }
        }

        return Flow.Normal;
    }

    private Flow ExecuteSet(SetStatement set, Scope scope)
    {
        var flow = Flow.Normal;
        var value = set.Value is null ? RenderToString(set.Body, scope, out flow) : Evaluate(set.Value, scope);
        if (set.Target is AttributeTarget attribute)
        {
            if (Evaluate(attribute.Namespace, scope) is not Namespace ns)
            {
                throw new EvaluationException("Cannot assign an attribute of something that is not a namespace()");
            }

            ns.Attributes[attribute.Attribute] = value;
        }
        else
        {
            Bind(set.Target, value, scope);
        }

        return flow;
    }

    private static void Bind(AssignTarget target, object? value, Scope scope)
    {
        switch (target)
        {
            case NameTarget name:
                scope.Set(name.Name, value);
                break;
            case UnpackTarget unpack:
                if (value is not IReadOnlyList<object?> items)
                {
                    throw new EvaluationException($"Cannot unpack {Values.Describe(value)}");
                }

                if (items.Count != unpack.Names.Count)
                {
                    throw new EvaluationException($"Too {(items.Count < unpack.Names.Count ? "few" : "many")} items to unpack: expected {unpack.Names.Count}, got {items.Count}");
                }

                for (var i = 0; i < items.Count; i++)
                {
                    scope.Set(unpack.Names[i], Values.Normalize(items[i]));
                }

                break;
            default:
                throw new EvaluationException("Unsupported assignment target");
        }
    }
}
