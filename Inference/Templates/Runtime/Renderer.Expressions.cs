using Platform.Inference.Templates.Syntax;

namespace Platform.Inference.Templates.Runtime;

/// <summary>Expression evaluation.</summary>
internal sealed partial class Renderer
{
    public object? Evaluate(Expression expression, Scope scope)
    {
        switch (expression)
        {
            case LiteralExpression literal:
                return literal.Value;
            case NameExpression name:
                return Lookup(name.Name, scope);
            case AttributeExpression attribute:
                return Values.GetAttribute(Evaluate(attribute.Target, scope), attribute.Name);
            case IndexExpression index:
                return Values.GetItem(Evaluate(index.Target, scope), Evaluate(index.Key, scope));
            case BinaryExpression binary:
                return EvaluateBinary(binary, scope);
            case FilterExpression filter:
                var operand = Evaluate(filter.Operand, scope);
                return Filters.Apply(this, operand, filter.Name, EvaluateArguments(filter.Arguments, scope));
            case CallExpression call:
                return Call(call, scope);
            case TestExpression test:
                var tested = Evaluate(test.Operand, scope);
                return Tests.Apply(test.Name, tested, EvaluateArguments(test.Arguments, scope)) != test.Negated;
            case UnaryExpression unary:
                return EvaluateUnary(unary, scope);
            case ConditionalExpression conditional:
                if (Values.IsTruthy(Evaluate(conditional.Test, scope)))
                {
                    return Evaluate(conditional.Then, scope);
                }

                return conditional.Otherwise is null ? Undefined.Value : Evaluate(conditional.Otherwise, scope);
            case SliceExpression slice:
                return Slicing.Apply(
                    Evaluate(slice.Target, scope),
                    EvaluateOptional(slice.Start, scope),
                    EvaluateOptional(slice.Stop, scope),
                    EvaluateOptional(slice.Step, scope));
            case ListExpression list:
                return EvaluateAll(list.Items, scope);
            case TupleExpression tuple:
                return EvaluateAll(tuple.Items, scope);
            case DictExpression dict:
                return EvaluateDict(dict, scope);
            default:
                throw new EvaluationException($"Unsupported expression {expression.GetType().Name}");
        }
    }

    private static object? Lookup(string name, Scope scope)
    {
        if (scope.TryGet(name, out var value))
        {
            return Values.Normalize(value);
        }

        return Globals.TryGet(name, out var global) ? global : Undefined.Value;
    }

    private object? EvaluateOptional(Expression? expression, Scope scope) => expression is null ? null : Evaluate(expression, scope);

    private object?[] EvaluateAll(IReadOnlyList<Expression> expressions, Scope scope)
    {
        var values = new object?[expressions.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Evaluate(expressions[i], scope);
        }

        return values;
    }

    private OrderedDictionary<string, object?> EvaluateDict(DictExpression dict, Scope scope)
    {
        var map = new OrderedDictionary<string, object?>(dict.Entries.Count);
        foreach (var (keyExpression, valueExpression) in dict.Entries)
        {
            if (Evaluate(keyExpression, scope) is not string key)
            {
                throw new EvaluationException("Dict keys must be strings");
            }

            map[key] = Evaluate(valueExpression, scope);
        }

        return map;
    }

    private object? EvaluateBinary(BinaryExpression binary, Scope scope)
    {
        var left = Evaluate(binary.Left, scope);
        return binary.Operator switch
        {
            // Python's and/or return an operand, not a boolean.
            BinaryOperator.And => Values.IsTruthy(left) ? Evaluate(binary.Right, scope) : left,
            BinaryOperator.Or => Values.IsTruthy(left) ? left : Evaluate(binary.Right, scope),
            _ => Operators.Apply(binary.Operator, left, Evaluate(binary.Right, scope)),
        };
    }

    private object? EvaluateUnary(UnaryExpression unary, Scope scope)
    {
        var operand = Evaluate(unary.Operand, scope);
        var sign = unary.Operator == UnaryOperator.Negate ? -1 : 1;
        return (unary.Operator, operand) switch
        {
            (UnaryOperator.Not, _) => !Values.IsTruthy(operand),
            (_, long l) => (object)(sign * l),
            (_, double d) => (object)(sign * d),
            (_, bool b) => (object)(sign * (b ? 1L : 0L)),
            _ => throw new EvaluationException($"Cannot apply unary '{(sign < 0 ? "-" : "+")}' to {Values.Describe(operand)}"),
        };
    }
}
