namespace Platform.Inference.Tokenization;

/// <summary>
/// <c>clean_up_tokenization_spaces</c>: after decoding, removes the space before punctuation and English
/// contractions, exactly as the reference's chain of replace-all passes does (each pass scans left to right
/// without overlaps, and a later pass sees the earlier passes' output).
/// </summary>
internal static class SpaceCleaner
{
    public static string Clean(string text)
    {
        if (!text.Contains(' ', StringComparison.Ordinal))
        {
            return text;
        }

        return text
            .Replace(" .", ".", StringComparison.Ordinal)
            .Replace(" ?", "?", StringComparison.Ordinal)
            .Replace(" !", "!", StringComparison.Ordinal)
            .Replace(" ,", ",", StringComparison.Ordinal)
            .Replace(" ' ", "'", StringComparison.Ordinal)
            .Replace(" n't", "n't", StringComparison.Ordinal)
            .Replace(" 'm", "'m", StringComparison.Ordinal)
            .Replace(" 's", "'s", StringComparison.Ordinal)
            .Replace(" 've", "'ve", StringComparison.Ordinal)
            .Replace(" 're", "'re", StringComparison.Ordinal);
    }

    /// <summary>
    /// The last position p (0 when none) where <c>Clean(text[..p]) + Clean(text[p..] + anything)</c> equals
    /// <c>Clean(text + anything)</c>: no pass can match across p whatever follows.
    /// </summary>
    /// <remarks>
    /// Only spaces are ever removed, so non-space characters stay in place and in order. A match across p must
    /// contain the last non-removed character before p followed by the first one after it, so p is safe when
    /// that pair cannot occur inside any pattern, even after earlier passes removed spaces.
    /// </remarks>
    public static int LastSafeBoundary(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return 0;
        }

        if (CanEndMatchBefore(text[^1]))
        {
            return text.Length;
        }

        for (var p = text.Length - 1; p > 0; p--)
        {
            if (IsSafe(text, p))
            {
                return p;
            }
        }

        return 0;
    }

    private static bool IsSafe(ReadOnlySpan<char> text, int p)
    {
        var before = text[p - 1];
        var after = text[p];
        if (CanEndMatchBefore(before) || CannotContinueMatch(after))
        {
            return true;
        }

        if (before != ' ' && after != ' ')
        {
            return !IsPatternPair(before, after);
        }

        // A space that no pattern can start (it is not followed by a pattern's second character) and that is
        // not the closing space of " ' " stays in place and belongs to no match.
        return before == ' ' && after != ' ' && (p < 2 || text[p - 2] != '\'') && !CanFollowLeadingSpace(after);
    }

    /// <summary>A non-space character that sits last in every pattern containing it (or in none).</summary>
    private static bool CanEndMatchBefore(char c) => c is not (' ' or '\'' or 'n' or 'v' or 'r');

    /// <summary>A non-space character that is never a pattern's second or later character.</summary>
    private static bool CannotContinueMatch(char c) =>
        c is not (' ' or '.' or '?' or '!' or ',' or '\'' or 'n' or 't' or 'm' or 's' or 'v' or 'e' or 'r');

    private static bool CanFollowLeadingSpace(char c) => c is '.' or '?' or '!' or ',' or '\'' or 'n';

    private static bool IsPatternPair(char first, char second) => (first, second) switch
    {
        ('n', '\'') => true,
        ('\'', 't' or 'm' or 's' or 'v' or 'r') => true,
        ('v' or 'r', 'e') => true,
        _ => false,
    };
}
