namespace Platform.Inference.Tokenization;

/// <summary>
/// The GPT-2 pre-tokenization pattern
/// <c>'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</c>
/// hand-compiled to a scanner over code points: faster than a regex, allocation-free, and it sees astral letters
/// and lone surrogates the way JavaScript's Unicode mode does (a .NET regex would see UTF-16 halves).
/// Every character falls into one of the alternatives, so consecutive matches tile the text.
/// </summary>
internal static class Gpt2Splitter
{
    private enum CharClass
    {
        Letter,
        Number,
        WhiteSpace,
        Other,
    }

    /// <summary>The end (exclusive) of the match that starts at <paramref name="start"/>.</summary>
    public static int MatchEnd(ReadOnlySpan<char> text, int start)
    {
        var c = text[start];
        if (c == '\'' && TryContraction(text, start, out var contractionEnd))
        {
            return contractionEnd;
        }

        // " ?X+" for letters, numbers and "other": an optional single space, then a run of one class.
        var runStart = c == ' ' && start + 1 < text.Length ? start + 1 : start;
        var runClass = ClassAt(text, runStart, out _);
        if (runClass != CharClass.WhiteSpace)
        {
            return RunEnd(text, runStart, runClass);
        }

        // \s+(?!\S) backs off one character when non-space follows, so that the last space can lead the next word;
        // a lone whitespace character before non-space falls through to \s+.
        var end = RunEnd(text, start, CharClass.WhiteSpace);
        return end == text.Length || end - start < 2 ? end : end - 1;
    }

    private static bool TryContraction(ReadOnlySpan<char> text, int start, out int end)
    {
        end = start;
        if (start + 1 >= text.Length)
        {
            return false;
        }

        switch (text[start + 1])
        {
            case 's' or 't' or 'm' or 'd':
                end = start + 2;
                return true;
            case 'r' or 'v' when start + 2 < text.Length && text[start + 2] == 'e':
                end = start + 3;
                return true;
            case 'l' when start + 2 < text.Length && text[start + 2] == 'l':
                end = start + 3;
                return true;
            default:
                return false;
        }
    }

    private static int RunEnd(ReadOnlySpan<char> text, int index, CharClass runClass)
    {
        while (index < text.Length && ClassAt(text, index, out var length) == runClass)
        {
            index += length;
        }

        return index;
    }

    private static CharClass ClassAt(ReadOnlySpan<char> text, int index, out int length)
    {
        var c = text[index];
        if (c < 0x80)
        {
            length = 1;
            return c switch
            {
                >= 'a' and <= 'z' or >= 'A' and <= 'Z' => CharClass.Letter,
                >= '0' and <= '9' => CharClass.Number,
                ' ' or >= '\t' and <= '\r' => CharClass.WhiteSpace,
                _ => CharClass.Other,
            };
        }

        var codePoint = JsText.CodePointAt(text, index, out length);
        if (JsText.IsWhiteSpace(codePoint))
        {
            return CharClass.WhiteSpace;
        }

        if (JsText.IsLetter(codePoint))
        {
            return CharClass.Letter;
        }

        return JsText.IsNumber(codePoint) ? CharClass.Number : CharClass.Other;
    }
}
