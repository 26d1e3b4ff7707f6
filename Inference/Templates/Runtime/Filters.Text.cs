using System.Text;
using Platform.Inference.Templates.Lexing;

namespace Platform.Inference.Templates.Runtime;

/// <summary>String filters.</summary>
internal static partial class Filters
{
    /// <summary><c>trim</c>: JavaScript whitespace; <c>trim(chars)</c> strips those characters, as Python's <c>strip(chars)</c>.</summary>
    private static string Trim(string text, CallArguments arguments)
    {
        if (arguments.Get(0, "chars", null) is not string chars)
        {
            return JsWhitespace.Trim(text);
        }

        return text.Trim(chars.ToCharArray());
    }

    /// <summary><c>indent(width=4, first=false, blank=false)</c>: indents every line but the first and blank ones.</summary>
    private static string Indent(string text, CallArguments arguments)
    {
        var prefix = arguments.Get(0, "width", 4L) switch
        {
            long width => new string(' ', (int)Math.Clamp(width, 0, 1024)),
            string s => s,
            _ => throw new EvaluationException("indent width must be an integer or a string"),
        };
        var first = Values.IsTruthy(arguments.Get(1, "first", false));
        var blank = Values.IsTruthy(arguments.Get(2, "blank", false));
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if ((first || i > 0) && (blank || lines[i].Length > 0))
            {
                lines[i] = prefix + lines[i];
            }
        }

        return string.Join('\n', lines);
    }

    private static long WordCount(string text)
    {
        var count = 0L;
        var inWord = false;
        foreach (var c in text)
        {
            var word = char.IsLetterOrDigit(c) || c == '_';
            count += word && !inWord ? 1 : 0;
            inWord = word;
        }

        return count;
    }

    /// <summary>HTML escaping as MarkupSafe does it.</summary>
    private static string Escape(object? operand)
    {
        var text = ValueFormatter.Output(operand);
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            escaped.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&#34;",
                '\'' => "&#39;",
                _ => c.ToString(),
            });
        }

        return escaped.ToString();
    }

    /// <summary>
    /// <c>join(separator='')</c>: list items as JavaScript's <c>Array.join</c> prints them (none and undefined empty,
    /// floats without <c>.0</c>); a string joins its characters.
    /// </summary>
    private static string Join(object? operand, CallArguments arguments)
    {
        if ((arguments.TryGet(0, "d", out var given) || arguments.TryGetKeyword("separator", out given) ? given : string.Empty)
            is not string separator)
        {
            throw new EvaluationException("join separator must be a string");
        }

        IEnumerable<object?> items = operand switch
        {
            IReadOnlyList<object?> list when arguments.TryGetKeyword("attribute", out var path) =>
                list.Select(item => AttributePath.Get(Values.Normalize(item), path)),
            IReadOnlyList<object?> list => list.Select(Values.Normalize),
            string s => Values.Characters(s),
            IReadOnlyDictionary<string, object?> map => map.Keys,
            Undefined => [],
            _ => throw Unsupported("join", operand),
        };
        return string.Join(separator, items.Select(item => item is null or Undefined ? string.Empty : ValueFormatter.Concatenable(item)));
    }
}
