namespace Platform.Moderation.Rules;

/// <summary>
/// Undoes the common ways people dodge word lists, so that one lexicon entry covers its variants: case, accents and
/// look-alike letters (Cyrillic, full-width), digits and symbols for letters inside words (<c>k1ll</c>, <c>h@te</c>),
/// separators inside a word (<c>k.i.l.l</c>, <c>k-i-l-l</c>), letters spaced apart (<c>k i l l</c>), zero-width
/// characters and stretched letters (<c>kiiiill</c>; every run of one letter becomes one letter, in rules too).
/// </summary>
internal static class TextNormalizer
{
    private const char Break = ' ';
    private const char Joiner = '.';
    private const char Apostrophe = '\'';
    private const char Skip = '\0';

    public static NormalizedText Normalize(string text)
    {
        var buffer = new char[text.Length];
        var words = new List<Range>(text.Length / 5);
        var length = 0;
        var raw = new char[Math.Min(text.Length, 256)];
        var i = 0;
        while (i < text.Length)
        {
            // One raw token: the run of characters up to the next break.
            var rawLength = 0;
            for (; i < text.Length; i++)
            {
                var c = Map(text[i]);
                if (c == Break)
                {
                    i++;
                    break;
                }

                if (c != Skip)
                {
                    if (rawLength == raw.Length)
                    {
                        Array.Resize(ref raw, raw.Length * 2);
                    }

                    raw[rawLength++] = c;
                }
            }

            if (rawLength > 0)
            {
                length = AddToken(raw.AsSpan(0, rawLength), buffer, length, words);
            }
        }

        JoinSpacedLetters(buffer, words);
        return new NormalizedText(buffer, words);
    }

    /// <summary>Lowercase letters, digits and leet symbols stay; separators that may hide a word become joiners; the rest breaks.</summary>
    private static char Map(char c)
    {
        if (c is >= 'a' and <= 'z' or >= '0' and <= '9')
        {
            return c;
        }

        if (c is >= 'A' and <= 'Z')
        {
            return (char)(c + 32);
        }

        return c switch
        {
            '@' or '$' or '!' or '|' or '€' or '+' => c,
            '.' or '-' or '_' or '*' or '~' or '•' or '·' => Joiner,
            '\'' or '’' or '‘' or '`' or '´' => Apostrophe,
            '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\uFEFF' or '\u00AD' => Skip,
            >= '\uFF21' and <= '\uFF3A' => (char)(c - '\uFF21' + 'a'),
            >= '\uFF41' and <= '\uFF5A' => (char)(c - '\uFF41' + 'a'),
            >= '\u00C0' and <= '\u00FF' => Latin1(c),
            _ => LookAlike(c),
        };
    }

    private static char Latin1(char c) => char.ToLowerInvariant(c) switch
    {
        'à' or 'á' or 'â' or 'ã' or 'ä' or 'å' => 'a',
        'ç' => 'c',
        'è' or 'é' or 'ê' or 'ë' => 'e',
        'ì' or 'í' or 'î' or 'ï' => 'i',
        'ñ' => 'n',
        'ò' or 'ó' or 'ô' or 'õ' or 'ö' or 'ø' => 'o',
        'ù' or 'ú' or 'û' or 'ü' => 'u',
        'ý' or 'ÿ' => 'y',
        'ß' => 's',
        _ => Break,
    };

    private static char LookAlike(char c) => c switch
    {
        'а' or 'А' or 'α' or 'Α' => 'a',
        'в' or 'В' or 'β' => 'b',
        'с' or 'С' => 'c',
        'е' or 'Е' or 'ё' or 'ε' or 'Ε' => 'e',
        'н' or 'Н' or 'η' => 'h',
        'і' or 'І' or 'ι' or 'Ι' => 'i',
        'к' or 'К' or 'κ' or 'Κ' => 'k',
        'м' or 'М' or 'Μ' => 'm',
        'о' or 'О' or 'ο' or 'Ο' => 'o',
        'р' or 'Р' or 'ρ' or 'Ρ' => 'p',
        'т' or 'Т' or 'τ' or 'Τ' => 't',
        'у' or 'У' or 'υ' => 'y',
        'х' or 'Х' or 'χ' or 'Χ' => 'x',
        _ => Break,
    };

    private static int AddToken(ReadOnlySpan<char> raw, char[] buffer, int length, List<Range> words)
    {
        // Joiners and symbols at the edges are punctuation ("kill!", "...hate"); a leading $ or @ may stand for a letter.
        while (raw.Length > 0 && raw[0] is Joiner or Apostrophe or '!' or '|' or '+' or '€')
        {
            raw = raw[1..];
        }

        while (raw.Length > 0 && raw[^1] is Joiner or Apostrophe or '!' or '|' or '+' or '@' or '€')
        {
            raw = raw[..^1];
        }

        if (raw.IsEmpty)
        {
            return length;
        }

        // "k.i.l.l" is one word spelled out; "self-harm" is two words.
        var parts = 1;
        var longest = 0;
        var current = 0;
        foreach (var c in raw)
        {
            if (c == Joiner)
            {
                parts++;
                longest = Math.Max(longest, current);
                current = 0;
            }
            else if (c != Apostrophe)
            {
                current++;
            }
        }

        longest = Math.Max(longest, current);
        var spelledOut = parts > 1 && longest == 1;
        var start = 0;
        for (var j = 0; j <= raw.Length; j++)
        {
            if (j == raw.Length || (raw[j] == Joiner && !spelledOut))
            {
                length = AddWord(raw[start..j], buffer, length, words);
                start = j + 1;
            }
        }

        return length;
    }

    private static int AddWord(ReadOnlySpan<char> part, char[] buffer, int length, List<Range> words)
    {
        var hasLetter = false;
        foreach (var c in part)
        {
            hasLetter |= c is >= 'a' and <= 'z';
        }

        var begin = length;
        var previous = '\0';
        foreach (var raw in part)
        {
            if (raw is Joiner or Apostrophe)
            {
                continue;
            }

            var c = hasLetter ? Leet(raw) : raw;
            if ((hasLetter && c == previous) || (!hasLetter && c is < '0' or > '9'))
            {
                continue;
            }

            buffer[length++] = c;
            previous = c;
        }

        if (length > begin)
        {
            words.Add(begin..length);
        }

        return length;
    }

    private static char Leet(char c) => c switch
    {
        '0' => 'o',
        '1' or '!' or '|' => 'i',
        '3' or '€' => 'e',
        '4' or '@' => 'a',
        '5' or '$' => 's',
        '7' or '+' => 't',
        '8' => 'b',
        '9' => 'g',
        _ => c,
    };

    /// <summary>Four or more one-letter words in a row (three unless they read as words) are one word spelled out: "k i l l" is "kill".</summary>
    private static void JoinSpacedLetters(char[] buffer, List<Range> words)
    {
        for (var i = 0; i < words.Count; i++)
        {
            var end = i;
            while (end < words.Count && IsLetter(buffer, words[end]))
            {
                end++;
            }

            if (end - i < 3 || (end - i == 3 && LooksLikeWords(buffer, words, i)))
            {
                continue;
            }

            // The letters were written one after another, so they are contiguous in the buffer; squeeze repeats.
            var start = words[i].Start.Value;
            var length = start;
            var previous = '\0';
            for (var k = i; k < end; k++)
            {
                var c = buffer[words[k].Start.Value];
                if (c != previous)
                {
                    buffer[length++] = c;
                    previous = c;
                }
            }

            words[i] = start..length;
            words.RemoveRange(i + 1, end - i - 1);
        }
    }

    /// <summary>"u r a" is three words ("you are a"): a run of three with two or more one-letter words is left alone.</summary>
    private static bool LooksLikeWords(char[] buffer, List<Range> words, int start)
    {
        var count = 0;
        for (var k = start; k < start + 3; k++)
        {
            count += buffer[words[k].Start.Value] is 'i' or 'a' or 'u' or 'r' or 'y' ? 1 : 0;
        }

        return count >= 2;
    }

    private static bool IsLetter(char[] buffer, Range word) =>
        word.End.Value - word.Start.Value == 1 && buffer[word.Start.Value] is >= 'a' and <= 'z';

    /// <summary>A rule's word as the normaliser would leave it.</summary>
    public static string NormalizeWord(string word)
    {
        var text = Normalize(word);
        return text.Count == 1 ? text[0].ToString() : throw new FormatException($"'{word}' is not one word after normalising.");
    }
}
