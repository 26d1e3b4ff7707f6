using System.Globalization;

namespace Platform.Inference.Templates.Runtime;

/// <summary>
/// <c>==</c> and <c>!=</c> as the reference implementation computes them: JavaScript's loose equality of the raw values.
/// Besides Python's results this makes <c>none == undefined</c> true and compares a string or list with a number or
/// boolean numerically (<c>'' == false</c>, <c>'1' == 1</c>); lists and mappings are equal only to themselves.
/// Tests (<c>eq</c>, <c>in</c>, <c>unique</c>) use <see cref="Strict"/>.
/// </summary>
internal static class Equality
{
    public static bool Loose(object? a, object? b)
    {
        while (true)
        {
            switch (a, b)
            {
                case (null or Undefined, null or Undefined):
                    return true;
                case (null or Undefined, _) or (_, null or Undefined):
                    return false;
                case (string x, string y):
                    return x == y;
                case (long or double, long or double):
                    return ToDouble(a) == ToDouble(b);
                case (bool x, bool y):
                    return x == y;
                case (bool x, _):
                    a = x ? 1L : 0L;
                    continue;
                case (_, bool y):
                    b = y ? 1L : 0L;
                    continue;
                case (string x, long or double):
                    return StringToNumber(x) == ToDouble(b);
                case (long or double, string y):
                    return ToDouble(a) == StringToNumber(y);
                case (IReadOnlyList<object?> or IReadOnlyDictionary<string, object?> or Namespace or TemplateCallable,
                      IReadOnlyList<object?> or IReadOnlyDictionary<string, object?> or Namespace or TemplateCallable):
                    return ReferenceEquals(a, b);
                case (IReadOnlyList<object?> or IReadOnlyDictionary<string, object?> or Namespace, _):
                    a = ValueFormatter.Concatenable(a);
                    continue;
                case (_, IReadOnlyList<object?> or IReadOnlyDictionary<string, object?> or Namespace):
                    b = ValueFormatter.Concatenable(b);
                    continue;
                default:
                    return false;
            }
        }
    }

    /// <summary>JavaScript's <c>===</c> on raw values: no conversions, except that integers and floats are both numbers.</summary>
    public static bool Strict(object? a, object? b) => (a, b) switch
    {
        (null, null) or (Undefined, Undefined) => true,
        (string x, string y) => x == y,
        (bool x, bool y) => x == y,
        (long or double, long or double) => ToDouble(a) == ToDouble(b),
        _ => a is not null && ReferenceEquals(a, b),
    };

    public static double ToDouble(object? number) => number switch
    {
        long l => l,
        double d => d,
        bool b => b ? 1 : 0,
        _ => double.NaN,
    };

    /// <summary>JavaScript's <c>Number(string)</c>: surrounding whitespace ignored, empty is 0, anything unparsable NaN.</summary>
    private static double StringToNumber(string text)
    {
        var trimmed = Lexing.JsWhitespace.Trim(text);
        if (trimmed.Length == 0)
        {
            return 0;
        }

        if (trimmed.Length > 2 && trimmed[0] == '0' && trimmed[1] is 'x' or 'X' or 'o' or 'O' or 'b' or 'B')
        {
            var radix = trimmed[1] switch { 'x' or 'X' => 16, 'o' or 'O' => 8, _ => 2 };
            try
            {
                return Convert.ToInt64(trimmed[2..], radix);
            }
            catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
            {
                return double.NaN;
            }
        }

        var unsigned = trimmed[0] is '+' or '-' ? trimmed[1..] : trimmed;
        if (unsigned == "Infinity")
        {
            return trimmed[0] == '-' ? double.NegativeInfinity : double.PositiveInfinity;
        }

        // Only decimal literals: no "NaN", "Infinity" spellings .NET would accept, no thousands separators.
        foreach (var c in unsigned)
        {
            if (!char.IsAsciiDigit(c) && c is not ('.' or 'e' or 'E' or '+' or '-'))
            {
                return double.NaN;
            }
        }

        return double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : double.NaN;
    }
}
