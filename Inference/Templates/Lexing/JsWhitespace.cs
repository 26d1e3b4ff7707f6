namespace Platform.Inference.Templates.Lexing;

/// <summary>
/// The whitespace set of JavaScript's <c>\s</c> and <c>String.prototype.trim</c>, which the reference implementation
/// (@huggingface/jinja) uses for whitespace control and for <c>trim</c>/<c>strip</c>; it differs from
/// <see cref="char.IsWhiteSpace(char)"/> in U+0085 (not JS whitespace) and U+FEFF (JS whitespace).
/// </summary>
internal static class JsWhitespace
{
    public static bool Is(char c) => c switch
    {
        '\t' or '\n' or '\v' or '\f' or '\r' or ' ' or '\u00A0' or '\u1680' or '\u2028' or '\u2029' or '\u202F'
            or '\u205F' or '\u3000' or '\uFEFF' => true,
        >= '\u2000' and <= '\u200A' => true,
        _ => false,
    };

    /// <summary>JavaScript's line terminators, where a multiline <c>^</c> matches (used for lstrip_blocks).</summary>
    public static bool IsLineTerminator(char c) => c is '\n' or '\r' or '\u2028' or '\u2029';

    public static string Trim(string value) => TrimEnd(TrimStart(value));

    public static string TrimStart(string value)
    {
        var start = 0;
        while (start < value.Length && Is(value[start]))
        {
            start++;
        }

        return start == 0 ? value : value[start..];
    }

    public static string TrimEnd(string value)
    {
        var end = value.Length;
        while (end > 0 && Is(value[end - 1]))
        {
            end--;
        }

        return end == value.Length ? value : value[..end];
    }
}
