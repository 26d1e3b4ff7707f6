using System.Globalization;
using Platform.Inference.Templates.Lexing;

namespace Platform.Inference.Templates.Runtime;

/// <summary>The number filters: <c>int</c>, <c>float</c>, <c>abs</c>, <c>round</c>.</summary>
internal static class Conversions
{
    /// <summary>
    /// <c>int(default=0)</c>: a string's leading integer (JavaScript's <c>parseInt</c>), a float floored; given
    /// arguments, the reference returns any number unchanged, and so do we.
    /// </summary>
    public static object? ToInteger(object? operand, CallArguments arguments)
    {
        var fallback = arguments.Get(0, "default", 0L);
        return operand switch
        {
            long => operand,
            double when arguments.Count > 0 => operand,
            double d when double.IsFinite(d) => (long)Math.Clamp(Math.Floor(d), long.MinValue, long.MaxValue),
            bool b => b ? 1L : 0L,
            string s => ParseInteger(s) ?? fallback,
            _ => fallback,
        };
    }

    /// <summary><c>float(default=0.0)</c>: a string's leading number (JavaScript's <c>parseFloat</c>); given arguments, numbers pass unchanged.</summary>
    public static object? ToFloat(object? operand, CallArguments arguments)
    {
        var fallback = arguments.Get(0, "default", 0.0);
        return operand switch
        {
            long when arguments.Count > 0 => operand,
            long l => (double)l,
            double => operand,
            bool b => b ? 1.0 : 0.0,
            string s => ParseFloat(s) ?? fallback,
            _ => fallback,
        };
    }

    public static object Abs(object? operand) => operand switch
    {
        long l => (object)Math.Abs(l),
        double d => (object)Math.Abs(d),
        _ => throw new EvaluationException($"Cannot apply filter 'abs' to {Values.Describe(operand)}"),
    };

    /// <summary><c>round(precision=0, method='common')</c>: Python's rounding (half to even) or <c>ceil</c>/<c>floor</c>.</summary>
    public static object Round(object? operand, CallArguments arguments)
    {
        var precision = arguments.Get(0, "precision", 0L) as long? ?? throw new EvaluationException("round precision must be an integer");
        var method = arguments.Get(1, "method", "common") as string;
        if (operand is long l)
        {
            return l;
        }

        if (operand is not double d)
        {
            throw new EvaluationException($"Cannot apply filter 'round' to {Values.Describe(operand)}");
        }

        var digits = (int)Math.Clamp(precision, 0, 15);
        var scale = Math.Pow(10, digits);
        return method switch
        {
            "common" => Math.Round(d, digits, MidpointRounding.ToEven),
            "ceil" => Math.Ceiling(d * scale) / scale,
            "floor" => Math.Floor(d * scale) / scale,
            _ => throw new EvaluationException("round method must be 'common', 'ceil' or 'floor'"),
        };
    }

    private static long? ParseInteger(string s)
    {
        var text = JsWhitespace.TrimStart(s);
        var end = text.Length > 0 && text[0] is '+' or '-' ? 1 : 0;
        var digitsStart = end;
        while (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            end++;
        }

        if (end == digitsStart)
        {
            return null;
        }

        return long.TryParse(text.AsSpan(0, end), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : text[0] == '-' ? long.MinValue : long.MaxValue;
    }

    private static double? ParseFloat(string s)
    {
        var text = JsWhitespace.TrimStart(s);
        var sign = text.Length > 0 && text[0] is '+' or '-' ? 1 : 0;
        if (text.AsSpan(sign).StartsWith("Infinity", StringComparison.Ordinal))
        {
            return text[0] == '-' ? double.NegativeInfinity : double.PositiveInfinity;
        }

        // The longest prefix of the form digits[.digits][e[+-]digits].
        var end = sign;
        var mantissaDigits = 0;
        while (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            end++;
            mantissaDigits++;
        }

        if (end < text.Length && text[end] == '.')
        {
            end++;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
            {
                end++;
                mantissaDigits++;
            }
        }

        if (mantissaDigits == 0)
        {
            return null;
        }

        if (end < text.Length && text[end] is 'e' or 'E')
        {
            var exponentEnd = end + 1;
            if (exponentEnd < text.Length && text[exponentEnd] is '+' or '-')
            {
                exponentEnd++;
            }

            var exponentDigitsStart = exponentEnd;
            while (exponentEnd < text.Length && char.IsAsciiDigit(text[exponentEnd]))
            {
                exponentEnd++;
            }

            end = exponentEnd > exponentDigitsStart ? exponentEnd : end;
        }

        return double.Parse(text.AsSpan(0, end), NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}
