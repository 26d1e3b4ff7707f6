using System.Globalization;
using System.Text;

namespace Platform.Inference.Tokenization;

/// <summary>
/// Character classes as JavaScript's Unicode-mode regular expressions see them, because the reference
/// tokenizer (tokenizers.js) is JavaScript: its <c>\s</c> differs from .NET's (U+FEFF yes, U+0085 no),
/// and it walks code points, so a lone surrogate is one "other" character.
/// </summary>
internal static class JsText
{
    /// <summary>JavaScript's <c>\s</c> and <c>String.prototype.trim</c> set.</summary>
    public static bool IsWhiteSpace(int codePoint) => codePoint switch
    {
        >= '\t' and <= '\r' => true,
        ' ' or 0xA0 or 0x1680 or 0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000 or 0xFEFF => true,
        >= 0x2000 and <= 0x200A => true,
        _ => false,
    };

    /// <summary>Reads the code point at <paramref name="index"/>; a lone surrogate is returned as itself, one unit long.</summary>
    public static int CodePointAt(ReadOnlySpan<char> text, int index, out int length)
    {
        var c = text[index];
        if (char.IsHighSurrogate(c) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
        {
            length = 2;
            return char.ConvertToUtf32(c, text[index + 1]);
        }

        length = 1;
        return c;
    }

    /// <summary><c>\p{L}</c>: any letter category.</summary>
    public static bool IsLetter(int codePoint)
    {
        if (codePoint < 0x80)
        {
            return (uint)((codePoint | 0x20) - 'a') <= 'z' - 'a';
        }

        return Category(codePoint) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter
            or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter;
    }

    /// <summary><c>\p{N}</c>: decimal digits, letter numbers and other numbers.</summary>
    public static bool IsNumber(int codePoint)
    {
        if (codePoint < 0x80)
        {
            return (uint)(codePoint - '0') <= 9;
        }

        return Category(codePoint) is UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber
            or UnicodeCategory.OtherNumber;
    }

    /// <summary>JavaScript <c>trimStart</c> as an offset: the index of the first non-whitespace unit.</summary>
    public static int SkipWhiteSpace(ReadOnlySpan<char> text)
    {
        var i = 0;
        while (i < text.Length && IsWhiteSpace(text[i]))
        {
            i++;
        }

        return i;
    }

    /// <summary>JavaScript <c>trimEnd</c> as a length: the length without trailing whitespace.</summary>
    public static int LengthWithoutTrailingWhiteSpace(ReadOnlySpan<char> text)
    {
        var end = text.Length;
        while (end > 0 && IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        return end;
    }

    private static UnicodeCategory Category(int codePoint) =>
        Rune.IsValid(codePoint) ? Rune.GetUnicodeCategory(new Rune(codePoint)) : UnicodeCategory.Surrogate;
}
