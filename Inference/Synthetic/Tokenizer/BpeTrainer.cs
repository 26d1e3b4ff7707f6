namespace Platform.Inference.Synthetic.Tokenizer;

/// <summary>
/// Learns byte-level BPE merges: first from <see cref="SeedText"/> (most frequent adjacent pair first),
/// then, once the text has no pair left that occurs twice, by extending word-like tokens with letters in a
/// fixed order, so any vocabulary size can be reached. Ties break by ordinal order: the result depends on
/// the requested count alone.
/// </summary>
internal static class BpeTrainer
{
    private const string Letters = "etaoinsrhldcumfpgwybvkxjqz";

    /// <summary>Returns exactly <paramref name="count"/> merges; merge i creates a token that no earlier merge or byte made.</summary>
    public static IReadOnlyList<(string Left, string Right)> Learn(int count)
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        for (var b = 0; b < 256; b++)
        {
            known.Add(ByteLevelAlphabet.ForByte((byte)b));
        }

        var merges = new List<(string Left, string Right)>(count);
        LearnFromText(merges, known, count);
        ExtendWords(merges, known, count);
        return merges;
    }

    private static void LearnFromText(List<(string Left, string Right)> merges, HashSet<string> known, int count)
    {
        var words = PreTokenizer.Split(SeedText.Text)
            .GroupBy(piece => piece, StringComparer.Ordinal)
            .OrderBy(group => group.Key, StringComparer.Ordinal)
            .Select(group => (Symbols: group.Key.Select(c => c.ToString()).ToList(), Count: group.Count()))
            .ToList();

        while (merges.Count < count)
        {
            var pairs = new Dictionary<(string, string), int>();
            foreach (var (symbols, frequency) in words)
            {
                for (var i = 0; i + 1 < symbols.Count; i++)
                {
                    var pair = (symbols[i], symbols[i + 1]);
                    if (!known.Contains(pair.Item1 + pair.Item2))
                    {
                        pairs[pair] = pairs.GetValueOrDefault(pair) + frequency;
                    }
                }
            }

            var best = pairs
                .Where(p => p.Value >= 2)
                .OrderByDescending(p => p.Value)
                .ThenBy(p => p.Key.Item1, StringComparer.Ordinal)
                .ThenBy(p => p.Key.Item2, StringComparer.Ordinal)
                .Select(p => p.Key)
                .FirstOrDefault();
            if (best == default)
            {
                return;
            }

            merges.Add(best);
            known.Add(best.Item1 + best.Item2);
            foreach (var (symbols, _) in words)
            {
                Apply(symbols, best.Item1, best.Item2);
            }
        }
    }

    private static void Apply(List<string> symbols, string left, string right)
    {
        for (var i = 0; i + 1 < symbols.Count; i++)
        {
            if (symbols[i] == left && symbols[i + 1] == right)
            {
                symbols[i] = left + right;
                symbols.RemoveAt(i + 1);
            }
        }
    }

    private static void ExtendWords(List<(string Left, string Right)> merges, HashSet<string> known, int count)
    {
        // Candidates in a fixed order: the letters, then every token made so far, including those made here.
        var stems = Letters.Select(c => c.ToString()).Concat(merges.Select(m => m.Left + m.Right)).Where(IsWordLike).ToList();
        for (var next = 0; merges.Count < count; next++)
        {
            foreach (var letter in Letters)
            {
                var token = stems[next] + letter;
                if (merges.Count < count && known.Add(token))
                {
                    merges.Add((stems[next], letter.ToString()));
                    stems.Add(token);
                }
            }
        }
    }

    // Letters, optionally after the space marker: tokens that can grow inside one pre-tokenized word.
    private static bool IsWordLike(string token) =>
        token.TrimStart('\u0120').Length > 0 && token.TrimStart('\u0120').All(char.IsAsciiLetter) && token.LastIndexOf('\u0120') <= 0;
}
