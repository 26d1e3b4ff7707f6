using System.Globalization;
using System.Text;

namespace Platform.Api.Observability;

/// <summary>The escaping and number rules of the Prometheus text exposition format 0.0.4.</summary>
internal static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Metric and label names: <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c> (labels without the colon); anything else becomes <c>_</c>.</summary>
    public static string Name(string name, bool label = false)
    {
        var builder = new StringBuilder(name.Length);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var ok = char.IsAsciiLetter(c) || c == '_' || (c == ':' && !label) || (i > 0 && char.IsAsciiDigit(c));
            builder.Append(ok ? c : '_');
        }

        return builder.Length == 0 ? "_" : builder.ToString();
    }

    /// <summary>A label value: backslash, double quote and line feed are escaped.</summary>
    public static string LabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>HELP text: backslash and line feed are escaped (quotes are not).</summary>
    public static string Help(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    public static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary><c>{a="1",b="2"}</c>, with an extra label (a histogram's <c>le</c>) last; empty when there are none.</summary>
    public static void Labels(StringBuilder output, IReadOnlyList<KeyValuePair<string, string>> labels, string? extraName = null, string? extraValue = null)
    {
        if (labels.Count == 0 && extraName is null)
        {
            return;
        }

        output.Append('{');
        var first = true;
        foreach (var (name, value) in labels)
        {
            output.Append(first ? "" : ",").Append(name).Append("=\"").Append(LabelValue(value)).Append('"');
            first = false;
        }

        if (extraName is not null)
        {
            output.Append(first ? "" : ",").Append(extraName).Append("=\"").Append(LabelValue(extraValue!)).Append('"');
        }

        output.Append('}');
    }
}
