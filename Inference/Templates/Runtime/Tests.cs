using Platform.Inference.Templates.Syntax;

namespace Platform.Inference.Templates.Runtime;

/// <summary>
/// The <c>is</c> tests. Type tests follow the reference: <c>number</c> excludes booleans, <c>iterable</c> is lists and
/// strings only; <c>eq</c>, <c>in</c> and <c>sameas</c> compare strictly.
/// </summary>
internal static class Tests
{
    public static bool Apply(string name, object? value, CallArguments arguments) => name switch
    {
        "defined" => value is not Undefined,
        "undefined" => value is Undefined,
        "none" => value is null,
        "boolean" => value is bool,
        "true" => value is true,
        "false" => value is false,
        "string" => value is string,
        "number" => value is long or double,
        "integer" => value is long,
        "float" => value is double,
        "iterable" => value is IReadOnlyList<object?> or string,
        "mapping" => value is IReadOnlyDictionary<string, object?>,
        "sequence" => value is IReadOnlyList<object?> or IReadOnlyDictionary<string, object?> or string,
        "callable" => value is TemplateCallable,
        "odd" => Integer(value, name) % 2 != 0,
        "even" => Integer(value, name) % 2 == 0,
        "lower" => value is string s && Unchanged(s, s.ToLowerInvariant()),
        "upper" => value is string s && Unchanged(s, s.ToUpperInvariant()),
        "divisibleby" => Argument(arguments, name) is long divisor && divisor != 0
            ? Integer(value, name) % divisor == 0
            : throw new EvaluationException("divisibleby needs a non-zero integer"),
        "eq" or "equalto" or "==" or "sameas" => Equality.Strict(value, Argument(arguments, name)),
        "ne" or "!=" => !Equality.Strict(value, Argument(arguments, name)),
        "lt" or "lessthan" or "<" => Compare(BinaryOperator.Less, value, arguments, name),
        "le" or "<=" => Compare(BinaryOperator.LessEqual, value, arguments, name),
        "gt" or "greaterthan" or ">" => Compare(BinaryOperator.Greater, value, arguments, name),
        "ge" or ">=" => Compare(BinaryOperator.GreaterEqual, value, arguments, name),
        "in" => Operators.Contains(value, Argument(arguments, name)),
        "escaped" => false,
        _ => throw new EvaluationException($"Unknown test '{name}'"),
    };

    private static bool Unchanged(string original, string converted) => string.Equals(original, converted, StringComparison.Ordinal);

    private static long Integer(object? value, string test) =>
        value as long? ?? throw new EvaluationException($"Cannot apply test '{test}' to {Values.Describe(value)}");

    private static object? Argument(CallArguments arguments, string test) =>
        arguments.Positional.Count > 0 ? arguments.Positional[0] : throw new EvaluationException($"Test '{test}' needs an argument");

    private static bool Compare(BinaryOperator op, object? value, CallArguments arguments, string test) =>
        Operators.Apply(op, value, Argument(arguments, test)) is true;
}
