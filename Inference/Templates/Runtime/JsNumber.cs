using System.Globalization;
using System.Text;

namespace Platform.Inference.Templates.Runtime;

/// <summary>
/// Number formatting as JavaScript's <c>String(number)</c> (shortest round-trip digits, exponent form outside
/// 1e-7..1e21), which the reference implementation uses for output, <c>~</c> and <c>tojson</c>.
/// </summary>
internal static class JsNumber
{
    public static string Format(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "Infinity" : "-Infinity";
        }

        if (value == 0)
        {
            return "0";
        }

        var (digits, exponent) = Decompose(Math.Abs(value));
        var text = new StringBuilder(value < 0 ? "-" : string.Empty);
        var k = digits.Length;
        var n = exponent;
        if (k <= n && n <= 21)
        {
            text.Append(digits).Append('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            text.Append(digits, 0, n).Append('.').Append(digits, n, k - n);
        }
        else if (-6 < n && n <= 0)
        {
            text.Append("0.").Append('0', -n).Append(digits);
        }
        else
        {
            var e = n - 1;
            text.Append(digits[0]);
            if (k > 1)
            {
                text.Append('.').Append(digits, 1, k - 1);
            }

            text.Append('e').Append(e < 0 ? '-' : '+').Append(Math.Abs(e).ToString(CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    /// <summary>A float as Python-like output: integral values keep <c>.0</c> (<c>1.0</c>), others as JavaScript prints them.</summary>
    public static string FormatFloat(double value)
    {
        if (value == 0 && double.IsNegative(value))
        {
            return "-0.0";
        }

        if (double.IsFinite(value) && Math.Abs(value) < 1e21 && value == Math.Floor(value))
        {
            return value.ToString("F1", CultureInfo.InvariantCulture);
        }

        return Format(value);
    }

    /// <summary>Significant digits without leading or trailing zeros, and n such that value = 0.digits × 10^n.</summary>
    private static (string Digits, int Exponent) Decompose(double positive)
    {
        var text = positive.ToString("R", CultureInfo.InvariantCulture);
        var e = text.IndexOf('E', StringComparison.Ordinal);
        var exponent = e < 0 ? 0 : int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var mantissa = e < 0 ? text : text[..e];
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var integerDigits = dot < 0 ? mantissa.Length : dot;
        var digits = dot < 0 ? mantissa : mantissa.Remove(dot, 1);
        var leading = 0;
        while (leading < digits.Length - 1 && digits[leading] == '0')
        {
            leading++;
        }

        digits = digits[leading..].TrimEnd('0');
        return (digits, integerDigits + exponent - leading);
    }
}
