namespace Platform.Moderation.Rules;

/// <summary>
/// The built-in classifier: weighted lexicon and proximity rules from a data file, over text normalised against
/// obfuscation. A category's score is 1 - e^(-sum of the weights of the rules that matched), so one full-weight rule
/// scores 0.63 and evidence adds up without passing 1; negative weights (benign context such as "kill the process")
/// pull it down. Results name the rules that matched. Immutable after loading, so safe from any thread.
/// </summary>
public sealed class RulesClassifier : ITextClassifier
{
    private static readonly string[] Suffixes = ["s", "es", "ed", "d", "ing", "ings", "er", "ers", "y", "ies", "ied", "ly", "ful", "ment", "ness", "ion", "ions"];

    // Most words end in a letter no suffix ends in; the rest only try the suffixes that end in their last letter.
    private static readonly string[][] SuffixesByLastLetter = [.. Enumerable.Range('a', 26)
        .Select(c => Suffixes.Where(s => s[^1] == c).ToArray())];

    private readonly double[] _thresholds;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _words;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _stems;
    private readonly Dictionary<int, Phrase[]> _byFirstWord;
    private readonly IReadOnlyList<CompiledRule> _rules;
    private readonly int _groups;

    internal RulesClassifier(
        string name,
        double[] thresholds,
        Dictionary<string, int> words,
        Dictionary<string, int> stems,
        IReadOnlyList<Phrase> phrases,
        IReadOnlyList<CompiledRule> rules,
        int groups)
    {
        Name = name;
        _thresholds = thresholds;
        _words = words.GetAlternateLookup<ReadOnlySpan<char>>();
        _stems = stems.GetAlternateLookup<ReadOnlySpan<char>>();
        _byFirstWord = phrases.GroupBy(p => p.Words[0].Id).ToDictionary(g => g.Key, g => g.ToArray());
        _rules = rules;
        _groups = groups;
    }

    public string Name { get; }

    public int RuleCount => _rules.Count;

    public static RulesClassifier Load(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModerationRulesException($"The moderation rules file '{path}' cannot be read: {ex.Message}", ex);
        }

        return RuleSetReader.Read(json, path);
    }

    public static RulesClassifier Parse(string json) => RuleSetReader.Read(json, "(inline)");

    public ModerationResult Classify(string text)
    {
        var normalized = TextNormalizer.Normalize(text);
        var tokens = new TokenIds[normalized.Count];
        for (var i = 0; i < tokens.Length; i++)
        {
            tokens[i] = Lookup(normalized[i]);
        }

        var hits = new List<int>?[_groups];
        for (var i = 0; i < tokens.Length; i++)
        {
            var token = tokens[i];
            FindPhrases(tokens, i, token.Exact, hits);
            FindPhrases(tokens, i, token.Stem1, hits);
            FindPhrases(tokens, i, token.Stem2, hits);
        }

        var sums = new double[_thresholds.Length];
        var matched = new List<string>();
        foreach (var rule in _rules)
        {
            if (Matches(rule, hits))
            {
                matched.Add(rule.Id);
                for (var c = 0; c < sums.Length; c++)
                {
                    sums[c] += rule.Weights[c];
                }
            }
        }

        var scores = new double[sums.Length];
        var flags = new bool[sums.Length];
        for (var c = 0; c < sums.Length; c++)
        {
            scores[c] = sums[c] <= 0 ? 0 : Math.Round(1 - Math.Exp(-sums[c]), 6);
            flags[c] = scores[c] >= _thresholds[c];
        }

        return new ModerationResult(scores, flags, matched);
    }

    private TokenIds Lookup(ReadOnlySpan<char> word)
    {
        var exact = _words.TryGetValue(word, out var id) ? id : -1;
        int stem1 = -1, stem2 = -1;
        if (word.IsEmpty || word[^1] is < 'a' or > 'z')
        {
            return new TokenIds(exact, stem1, stem2);
        }

        Span<char> withE = stackalloc char[64];
        foreach (var suffix in SuffixesByLastLetter[word[^1] - 'a'])
        {
            if (word.Length - suffix.Length < 2 || !word.EndsWith(suffix, StringComparison.Ordinal))
            {
                continue;
            }

            var stem = word[..^suffix.Length];
            Add(_stems.TryGetValue(stem, out var s) ? s : -1, ref stem1, ref stem2);

            // "hating" and "hated" come from "hate".
            if (stem.Length < withE.Length && stem[^1] != 'e')
            {
                stem.CopyTo(withE);
                withE[stem.Length] = 'e';
                Add(_stems.TryGetValue(withE[..(stem.Length + 1)], out var e) ? e : -1, ref stem1, ref stem2);
            }
        }

        return new TokenIds(exact, stem1, stem2);

        static void Add(int id, ref int first, ref int second)
        {
            if (id < 0 || id == first || id == second)
            {
                return;
            }

            if (first < 0)
            {
                first = id;
            }
            else
            {
                second = id;
            }
        }
    }

    private void FindPhrases(TokenIds[] tokens, int start, int firstWord, List<int>?[] hits)
    {
        if (firstWord < 0 || !_byFirstWord.TryGetValue(firstWord, out var phrases))
        {
            return;
        }

        foreach (var phrase in phrases)
        {
            if (start + phrase.Words.Length > tokens.Length)
            {
                continue;
            }

            var all = true;
            for (var k = 0; k < phrase.Words.Length && all; k++)
            {
                all = tokens[start + k].Matches(phrase.Words[k]);
            }

            if (all)
            {
                var list = hits[phrase.Group] ??= [];
                if (list.Count == 0 || list[^1] != start)
                {
                    list.Add(start);
                }
            }
        }
    }

    private static bool Matches(CompiledRule rule, List<int>?[] hits)
    {
        if (hits[rule.FirstGroup] is not { } anchors)
        {
            return false;
        }

        if (rule.GroupCount == 1)
        {
            return true;
        }

        foreach (var anchor in anchors)
        {
            var all = true;
            for (var g = rule.FirstGroup + 1; g < rule.FirstGroup + rule.GroupCount && all; g++)
            {
                all = hits[g] is { } others && others.Exists(p => Math.Abs(p - anchor) <= rule.Window);
            }

            if (all)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A word's id as written, and up to two ids of starred words it may be an inflection of.</summary>
    private readonly record struct TokenIds(int Exact, int Stem1, int Stem2)
    {
        public bool Matches(PhraseWord word) =>
            word.Any || word.Id == Exact || (word.Star && (word.Id == Stem1 || word.Id == Stem2));
    }
}
