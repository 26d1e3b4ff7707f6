using System.Globalization;
using System.Text;

namespace Platform.Inference.Templates.Runtime;

/// <summary>How <see cref="JsonFormatter"/> writes: Python <c>json.dumps</c> spacing by default.</summary>
internal sealed record JsonOptions
{
    /// <summary><c>tojson</c>'s defaults: <c>", "</c> and <c>": "</c>, undefined as null.</summary>
    public static JsonOptions ToJson { get; } = new();

    /// <summary>How lists and mappings print in output, where undefined items show as <c>undefined</c>.</summary>
    public static JsonOptions Display { get; } = new() { UndefinedAsNull = false };

    /// <summary>Spaces per level; null or 0 writes one line.</summary>
    public int? Indent { get; init; }

    public bool EnsureAscii { get; init; }

    public bool SortKeys { get; init; }

    /// <summary>(item separator, key separator); null uses <c>", "</c> (<c>","</c> when indenting) and <c>": "</c>.</summary>
    public (string Item, string Key)? Separators { get; init; }

    public bool UndefinedAsNull { get; init; } = true;
}

/// <summary>
/// JSON text for <c>tojson</c> and for printing lists and mappings: keys in insertion order, strings escaped like
/// JavaScript's <c>JSON.stringify</c> (non-ASCII kept unless <see cref="JsonOptions.EnsureAscii"/>), numbers as JavaScript prints them.
/// </summary>
internal static class JsonFormatter
{
    public static string Format(object? value, JsonOptions options)
    {
        var text = new StringBuilder();
        Write(text, value, options, 0);
        return text.ToString();
    }

    private static void Write(StringBuilder text, object? value, JsonOptions options, int depth)
    {
        switch (value)
        {
            case null:
                text.Append("null");
                break;
            case Undefined:
                text.Append(options.UndefinedAsNull ? "null" : "undefined");
                break;
            case bool b:
                text.Append(b ? "true" : "false");
                break;
            case long l:
                text.Append(l.ToString(CultureInfo.InvariantCulture));
                break;
            case double d:
                text.Append(double.IsFinite(d) ? JsNumber.Format(d) : "null");
                break;
            case string s:
                WriteString(text, s, options.EnsureAscii);
                break;
            case IReadOnlyList<object?> list:
                WriteContainer(text, '[', ']', list.Count, list.Select(item => (default(string), Values.Normalize(item))), options, depth);
                break;
            case IReadOnlyDictionary<string, object?> map:
                WriteContainer(text, '{', '}', map.Count, Entries(map, options), options, depth);
                break;
            case Namespace ns:
                WriteContainer(text, '{', '}', ns.Attributes.Count, Entries(ns.Attributes, options), options, depth);
                break;
            default:
                throw new EvaluationException($"Cannot convert {Values.Describe(value)} to JSON");
        }
    }

    private static IEnumerable<(string?, object?)> Entries(IEnumerable<KeyValuePair<string, object?>> map, JsonOptions options)
    {
        var entries = map.Select(pair => ((string?)pair.Key, Values.Normalize(pair.Value)));
        return options.SortKeys ? entries.OrderBy(entry => entry.Item1, StringComparer.Ordinal) : entries;
    }

    private static void WriteContainer(
        StringBuilder text, char open, char close, int count, IEnumerable<(string? Key, object? Value)> items, JsonOptions options, int depth)
    {
        var indent = options.Indent is > 0 ? options.Indent.Value : 0;
        var (itemSeparator, keySeparator) = options.Separators ?? (indent > 0 ? (",", ": ") : (", ", ": "));
        text.Append(open);
        if (count == 0)
        {
            text.Append(close);
            return;
        }

        var first = true;
        foreach (var (key, value) in items)
        {
            if (!first)
            {
                text.Append(itemSeparator);
            }

            first = false;
            if (indent > 0)
            {
                text.Append('\n').Append(' ', indent * (depth + 1));
            }

            if (key is not null)
            {
                WriteString(text, key, options.EnsureAscii);
                text.Append(keySeparator);
            }

            Write(text, value, options, depth + 1);
        }

        if (indent > 0)
        {
            text.Append('\n').Append(' ', indent * depth);
        }

        text.Append(close);
    }

    private static void WriteString(StringBuilder text, string value, bool ensureAscii)
    {
        text.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                default:
                    var pairedSurrogate = char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]);
                    if (pairedSurrogate && !ensureAscii)
                    {
                        text.Append(c).Append(value[++i]);
                    }
                    else if (c < ' ' || char.IsSurrogate(c) || (ensureAscii && c >= '\x7f'))
                    {
                        // Control characters and lone surrogates always; with ensure_ascii everything from DEL up.
                        text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.Append(c);
                    }

                    break;
            }
        }

        text.Append('"');
    }
}
