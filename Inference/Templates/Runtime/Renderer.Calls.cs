using Platform.Inference.Templates.Syntax;

namespace Platform.Inference.Templates.Runtime;

/// <summary>Calls: functions, methods, macros and <c>{% call %}</c> blocks.</summary>
internal sealed partial class Renderer
{
    private const int MaxMacroDepth = 100;

    private int _macroDepth;

    public CallArguments EvaluateArguments(ArgumentList? arguments, Scope scope)
    {
        if (arguments is null || (arguments.Positional.Count == 0 && arguments.Keywords.Count == 0))
        {
            return CallArguments.None;
        }

        var positional = EvaluateAll(arguments.Positional, scope);
        var keywords = new KeyValuePair<string, object?>[arguments.Keywords.Count];
        for (var i = 0; i < keywords.Length; i++)
        {
            keywords[i] = KeyValuePair.Create(arguments.Keywords[i].Name, Evaluate(arguments.Keywords[i].Value, scope));
        }

        return new CallArguments(positional, keywords);
    }

    private object? Call(CallExpression call, Scope scope)
    {
        object? callee;
        if (call.Callee is AttributeExpression attribute)
        {
            // Methods are dispatched directly rather than through a BoundMethod: `content.strip()` allocates nothing extra.
            var target = Evaluate(attribute.Target, scope);
            var isKey = target is IReadOnlyDictionary<string, object?> map && map.ContainsKey(attribute.Name);
            if (!isKey && Methods.Has(target, attribute.Name))
            {
                Methods.TryInvoke(target!, attribute.Name, EvaluateArguments(call.Arguments, scope), out var result);
                return result;
            }

            callee = Values.GetAttribute(target, attribute.Name);
        }
        else
        {
            callee = Evaluate(call.Callee, scope);
        }

        return callee is TemplateCallable function
            ? function.Invoke(this, EvaluateArguments(call.Arguments, scope))
            : throw new EvaluationException($"Cannot call {Values.Describe(callee)}");
    }

    private string CallWithCaller(CallBlockStatement block, Scope scope)
    {
        if (Evaluate(block.Call.Callee, scope) is not Macro macro)
        {
            throw new EvaluationException("{% call %} needs a macro");
        }

        var caller = new Caller(block, scope);
        return InvokeMacro(macro.Definition.Parameters, macro.Definition.Body, macro.DefiningScope, EvaluateArguments(block.Call.Arguments, scope), caller);
    }

    /// <summary>
    /// Binds arguments to parameters (positionally, then by name, then defaults evaluated in the macro's scope);
    /// extra positional arguments are <c>varargs</c>, extra named ones <c>kwargs</c>.
    /// </summary>
    public string InvokeMacro(IReadOnlyList<Parameter> parameters, IReadOnlyList<Statement> body, Scope definingScope, CallArguments arguments, Caller? caller)
    {
        if (_macroDepth >= MaxMacroDepth)
        {
            throw new EvaluationException($"Macros nested more than {MaxMacroDepth} calls deep");
        }

        var scope = new Scope(definingScope);
        var bound = new bool[parameters.Count];
        for (var i = 0; i < parameters.Count && i < arguments.Positional.Count; i++)
        {
            scope.Set(parameters[i].Name, arguments.Positional[i]);
            bound[i] = true;
        }

        var extraKeywords = new OrderedDictionary<string, object?>();
        foreach (var (name, value) in arguments.Keywords)
        {
            var index = IndexOf(parameters, name);
            if (index < 0)
            {
                extraKeywords[name] = value;
            }
            else if (bound[index])
            {
                throw new EvaluationException($"Macro got multiple values for argument '{name}'");
            }
            else
            {
                scope.Set(name, value);
                bound[index] = true;
            }
        }

        scope.Set("varargs", arguments.Positional.Skip(parameters.Count).ToArray());
        scope.Set("kwargs", extraKeywords);
        if (caller is not null)
        {
            scope.Set("caller", caller);
        }

        for (var i = 0; i < parameters.Count; i++)
        {
            if (!bound[i])
            {
                scope.Set(parameters[i].Name, parameters[i].Default is { } defaultValue ? Evaluate(defaultValue, scope) : Undefined.Value);
            }
        }

        _macroDepth++;
        try
        {
            return RenderToString(body, scope, out _);
        }
        finally
        {
            _macroDepth--;
        }
    }

    private static int IndexOf(IReadOnlyList<Parameter> parameters, string name)
    {
        for (var i = 0; i < parameters.Count; i++)
        {
            if (parameters[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }
}
