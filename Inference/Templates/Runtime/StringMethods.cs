using System.Text;
using Platform.Inference.Templates.Lexing;

namespace Platform.Inference.Templates.Runtime;

/// <summary>
/// Python string methods as the reference implements them. <c>strip</c>, <c>lstrip</c> and <c>rstrip</c> remove all
/// whitespace and ignore a characters argument (the reference does, so Qwen's <c>strip('\n')</c> also drops spaces);
/// <c>title</c> and <c>capitalize</c> only raise letters.
/// </summary>
internal static class StringMethods
{
    public static bool Has(string name) => name is "upper" or "lower" or "strip" or "lstrip" or "rstrip" or "title" or "capitalize"
        or "startswith" or "endswith" or "split" or "replace" or "join";

    public static object? Invoke(string s, string name, CallArguments arguments) => name switch
    {
        "upper" => s.ToUpperInvariant(),
        "lower" => s.ToLowerInvariant(),
        "strip" => JsWhitespace.Trim(s),
        "lstrip" => JsWhitespace.TrimStart(s),
        "rstrip" => JsWhitespace.TrimEnd(s),
        "title" => Title(s),
        "capitalize" => Capitalize(s),
        "startswith" => Affix(s, arguments, name, (text, affix) => text.StartsWith(affix, StringComparison.Ordinal)),
        "endswith" => Affix(s, arguments, name, (text, affix) => text.EndsWith(affix, StringComparison.Ordinal)),
        "split" => Split(s, arguments),
        "replace" => Replace(s, arguments),
        _ => Join(s, arguments),
    };

    /// <summary>Upper-cases each ASCII word character that starts a word (JavaScript's <c>/\b\w/g</c>); the rest is kept.</summary>
    public static string Title(string s)
    {
        var chars = s.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (IsAsciiWord(chars[i]) && (i == 0 || !IsAsciiWord(chars[i - 1])))
            {
                chars[i] = char.ToUpperInvariant(chars[i]);
            }
        }

        return new string(chars);
    }

    public static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    private static bool IsAsciiWord(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private static bool Affix(string s, CallArguments arguments, string name, Func<string, string, bool> test)
    {
        if (!arguments.TryGet(0, "prefix", out var affix) && !arguments.TryGet(0, "suffix", out affix))
        {
            throw new EvaluationException($"{name}() requires an argument");
        }

        return affix switch
        {
            string text => test(s, text),
            IReadOnlyList<object?> options => options.Any(option => option is string text
                ? test(s, text)
                : throw new EvaluationException($"{name}() tuple elements must be strings")),
            _ => throw new EvaluationException($"{name}() argument must be a string or tuple of strings"),
        };
    }

    private static object?[] Split(string s, CallArguments arguments)
    {
        var separator = arguments.Get(0, "sep", null);
        var maxSplit = arguments.Get(1, "maxsplit", -1L) is long m ? m : throw new EvaluationException("split() maxsplit must be an integer");
        var parts = new List<object?>();
        switch (separator)
        {
            case null:
                SplitOnWhitespace(s, maxSplit, parts);
                break;
            case string sep when sep.Length > 0:
                var start = 0;
                while (maxSplit < 0 || parts.Count < maxSplit)
                {
                    var at = s.IndexOf(sep, start, StringComparison.Ordinal);
                    if (at < 0)
                    {
                        break;
                    }

                    parts.Add(s[start..at]);
                    start = at + sep.Length;
                }

                parts.Add(s[start..]);
                break;
            case string:
                throw new EvaluationException("split() empty separator");
            default:
                throw new EvaluationException("split() separator must be a string or none");
        }

        return [.. parts];
    }

    private static void SplitOnWhitespace(string s, long maxSplit, List<object?> parts)
    {
        var i = 0;
        while (true)
        {
            while (i < s.Length && JsWhitespace.Is(s[i]))
            {
                i++;
            }

            if (i == s.Length)
            {
                return;
            }

            if (maxSplit >= 0 && parts.Count >= maxSplit)
            {
                parts.Add(s[i..]);
                return;
            }

            var start = i;
            while (i < s.Length && !JsWhitespace.Is(s[i]))
            {
                i++;
            }

            parts.Add(s[start..i]);
        }
    }

    public static string Replace(string s, CallArguments arguments)
    {
        if (!arguments.TryGet(0, "old", out var oldValue) || !arguments.TryGet(1, "new", out var newValue)
            || oldValue is not string old || newValue is not string replacement)
        {
            throw new EvaluationException("replace() requires two string arguments");
        }

        var count = arguments.Get(2, "count", null) switch
        {
            null => long.MaxValue,
            long c => c < 0 ? long.MaxValue : c,
            _ => throw new EvaluationException("replace() count must be an integer or none"),
        };
        if (count == 0)
        {
            return s;
        }

        var text = new StringBuilder(s.Length);
        if (old.Length == 0)
        {
            // An empty pattern matches before every character and at the end.
            var characters = Values.Characters(s);
            for (var i = 0; i <= characters.Length; i++)
            {
                if (i < count)
                {
                    text.Append(replacement);
                }

                if (i < characters.Length)
                {
                    text.Append(characters[i]);
                }
            }

            return text.ToString();
        }

        var start = 0;
        for (var done = 0L; done < count; done++)
        {
            var at = s.IndexOf(old, start, StringComparison.Ordinal);
            if (at < 0)
            {
                break;
            }

            text.Append(s, start, at - start).Append(replacement);
            start = at + old.Length;
        }

        return text.Append(s, start, s.Length - start).ToString();
    }

    private static string Join(string separator, CallArguments arguments)
    {
        var items = arguments.Get(0, "iterable", null);
        return string.Join(separator, Values.Iterate(items is null ? Undefined.Value : items).Select(item => ValueFormatter.Concatenable(Values.Normalize(item))));
    }
}
