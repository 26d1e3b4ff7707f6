using System.Text;
using Platform.Inference.Templates.Syntax;

namespace Platform.Inference.Templates.Runtime;

/// <summary>
/// Binary operators other than <c>and</c>/<c>or</c>. Numbers follow Python (<c>/</c> gives a float, <c>//</c> and
/// <c>%</c> floor, integers stay integers); <c>+</c> with a string operand concatenates string forms, as the
/// reference does; undefined and none are errors except in <c>==</c>, <c>!=</c> and <c>x in undefined</c>.
/// </summary>
internal static class Operators
{
    public static object? Apply(BinaryOperator op, object? left, object? right)
    {
        switch (op)
        {
            case BinaryOperator.Equal:
                return Equality.Loose(left, right);
            case BinaryOperator.NotEqual:
                return !Equality.Loose(left, right);
            case BinaryOperator.In or BinaryOperator.NotIn when right is Undefined:
                return op == BinaryOperator.NotIn;
            case BinaryOperator.Concat:
                // Jinja prints undefined as empty here; none has no string form in the reference, so it stays an error.
                if (left is null || right is null)
                {
                    throw new EvaluationException("Cannot apply '~' to none");
                }

                return string.Concat(left is Undefined ? string.Empty : ValueFormatter.Concatenable(left),
                    right is Undefined ? string.Empty : ValueFormatter.Concatenable(right));
        }

        if (left is Undefined || right is Undefined)
        {
            throw new EvaluationException($"Cannot apply '{Symbol(op)}' to an undefined value");
        }

        if (left is null || right is null)
        {
            throw new EvaluationException($"Cannot apply '{Symbol(op)}' to none");
        }

        if (left is long or double or bool && right is long or double or bool)
        {
            return Arithmetic.Apply(op, left, right);
        }

        switch (op)
        {
            case BinaryOperator.Add when left is IReadOnlyList<object?> first && right is IReadOnlyList<object?> second:
                return (object?[])[.. first, .. second];
            case BinaryOperator.Add when left is string || right is string:
                return string.Concat(ValueFormatter.Concatenable(left), ValueFormatter.Concatenable(right));
            case BinaryOperator.In or BinaryOperator.NotIn:
                return Contains(left, right) == (op == BinaryOperator.In);
            case BinaryOperator.Multiply when left is string text && right is long count:
                return Repeat(text, count);
            case BinaryOperator.Multiply when left is long times && right is string repeated:
                return Repeat(repeated, times);
            case BinaryOperator.Less or BinaryOperator.LessEqual or BinaryOperator.Greater or BinaryOperator.GreaterEqual
                when left is string a && right is string b:
                return Compare(op, string.CompareOrdinal(a, b));
        }

        throw new EvaluationException($"Cannot apply '{Symbol(op)}' to {Values.Describe(left)} and {Values.Describe(right)}");
    }

    public static bool Compare(BinaryOperator op, int order) => op switch
    {
        BinaryOperator.Less => order < 0,
        BinaryOperator.LessEqual => order <= 0,
        BinaryOperator.Greater => order > 0,
        _ => order >= 0,
    };

    /// <summary><c>item in container</c>: list items by <c>===</c>, substrings, mapping keys.</summary>
    public static bool Contains(object? item, object? container) => (item, container) switch
    {
        (_, IReadOnlyList<object?> list) => list.Any(candidate => Equality.Strict(item, Values.Normalize(candidate))),
        (string text, string s) => s.Contains(text, StringComparison.Ordinal),
        (string key, IReadOnlyDictionary<string, object?> map) => map.ContainsKey(key),
        (_, Undefined) => false,
        _ => throw new EvaluationException($"Cannot test whether {Values.Describe(item)} is in {Values.Describe(container)}"),
    };

    private static string Repeat(string text, long count)
    {
        if (count <= 0 || text.Length == 0)
        {
            return string.Empty;
        }

        if (text.Length * count > 10_000_000)
        {
            throw new EvaluationException("String repetition result too large");
        }

        return new StringBuilder(text.Length * (int)count).Insert(0, text, (int)count).ToString();
    }

    public static string Symbol(BinaryOperator op) => op switch
    {
        BinaryOperator.And => "and",
        BinaryOperator.Or => "or",
        BinaryOperator.Add => "+",
        BinaryOperator.Subtract => "-",
        BinaryOperator.Concat => "~",
        BinaryOperator.Multiply => "*",
        BinaryOperator.Divide => "/",
        BinaryOperator.FloorDivide => "//",
        BinaryOperator.Modulo => "%",
        BinaryOperator.Power => "**",
        BinaryOperator.Equal => "==",
        BinaryOperator.NotEqual => "!=",
        BinaryOperator.Less => "<",
        BinaryOperator.LessEqual => "<=",
        BinaryOperator.Greater => ">",
        BinaryOperator.GreaterEqual => ">=",
        BinaryOperator.In => "in",
        _ => "not in",
    };
}
