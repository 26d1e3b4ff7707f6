using System.Text.Json;

namespace Platform.Moderation.Rules;

/// <summary>
/// Reads the rules file (see the README's "Moderation" section): a name, a threshold per category, and rules that each
/// have an <c>id</c>, <c>weights</c> per category and either <c>terms</c> (phrases, any of which matches) or
/// <c>near</c> (groups of phrases that must all match within <c>window</c> words).
/// </summary>
internal sealed class RuleSetReader
{
    private readonly Dictionary<string, int> _words = new(StringComparer.Ordinal);
    private readonly HashSet<int> _starred = [];
    private readonly List<Phrase> _phrases = [];
    private readonly List<CompiledRule> _rules = [];
    private int _groups;

    public static RulesClassifier Read(string json, string source)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return new RuleSetReader().Build(document.RootElement, source);
        }
        catch (JsonException ex)
        {
            throw new ModerationRulesException($"The moderation rules in '{source}' are not valid JSON: {ex.Message}", ex);
        }
    }

    private RulesClassifier Build(JsonElement root, string source)
    {
        var name = root.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : throw Fail(source, "needs a string 'name'");
        var thresholds = new double[ModerationCategories.All.Count];
        if (!root.TryGetProperty("thresholds", out var t) || t.ValueKind != JsonValueKind.Object)
        {
            throw Fail(source, "needs an object 'thresholds' with every category");
        }

        for (var i = 0; i < thresholds.Length; i++)
        {
            var category = ModerationCategories.All[i];
            thresholds[i] = t.TryGetProperty(category, out var value) && value.TryGetDouble(out var d) && d is > 0 and < 1
                ? d
                : throw Fail(source, $"needs a threshold between 0 and 1 (exclusive) for '{category}'");
        }

        if (!root.TryGetProperty("rules", out var rules) || rules.ValueKind != JsonValueKind.Array)
        {
            throw Fail(source, "needs an array 'rules'");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in rules.EnumerateArray())
        {
            var id = rule.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString()! : throw Fail(source, "has a rule without a string 'id'");
            if (!ids.Add(id))
            {
                throw Fail(source, $"has two rules with id '{id}'");
            }

            AddRule(rule, id, source);
        }

        var stems = _words.Where(w => _starred.Contains(w.Value)).ToDictionary(w => w.Key, w => w.Value, StringComparer.Ordinal);
        return new RulesClassifier(name, thresholds, _words, stems, _phrases, _rules, _groups);
    }

    private void AddRule(JsonElement rule, string id, string source)
    {
        var weights = new double[ModerationCategories.All.Count];
        if (!rule.TryGetProperty("weights", out var w) || w.ValueKind != JsonValueKind.Object || !w.EnumerateObject().Any())
        {
            throw Fail(source, $"rule '{id}' needs 'weights' per category");
        }

        foreach (var weight in w.EnumerateObject())
        {
            var index = ModerationCategories.IndexOf(weight.Name);
            weights[index < 0 ? throw Fail(source, $"rule '{id}' names '{weight.Name}', which is not a moderation category") : index] =
                weight.Value.TryGetDouble(out var d) && double.IsFinite(d) ? d : throw Fail(source, $"rule '{id}' needs a number for '{weight.Name}'");
        }

        var first = _groups;
        var window = 0;
        if (rule.TryGetProperty("terms", out var terms))
        {
            AddGroup(terms, id, source);
        }
        else if (rule.TryGetProperty("near", out var near) && near.ValueKind == JsonValueKind.Array && near.GetArrayLength() >= 2)
        {
            foreach (var group in near.EnumerateArray())
            {
                AddGroup(group, id, source);
            }

            window = rule.TryGetProperty("window", out var size) && size.TryGetInt32(out var words) && words > 0
                ? words
                : throw Fail(source, $"rule '{id}' needs a positive 'window' (in words) for its 'near' groups");
        }
        else
        {
            throw Fail(source, $"rule '{id}' needs 'terms' or at least two 'near' groups");
        }

        _rules.Add(new CompiledRule(id, first, _groups - first, window, weights));
    }

    private void AddGroup(JsonElement phrases, string id, string source)
    {
        if (phrases.ValueKind != JsonValueKind.Array || phrases.GetArrayLength() == 0)
        {
            throw Fail(source, $"rule '{id}' has a group that is not a non-empty array of phrases");
        }

        var group = _groups++;
        foreach (var phrase in phrases.EnumerateArray())
        {
            var text = phrase.ValueKind == JsonValueKind.String ? phrase.GetString()! : throw Fail(source, $"rule '{id}' has a phrase that is not a string");
            var words = new List<PhraseWord>();
            foreach (var raw in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (raw == "?")
                {
                    words.Add(new PhraseWord(-1, false, true));
                    continue;
                }

                var star = raw.EndsWith('*');
                string word;
                try
                {
                    word = TextNormalizer.NormalizeWord(star ? raw[..^1] : raw);
                }
                catch (FormatException ex)
                {
                    throw Fail(source, $"rule '{id}': {ex.Message}");
                }

                if (!_words.TryGetValue(word, out var wordId))
                {
                    wordId = _words.Count;
                    _words[word] = wordId;
                }

                if (star)
                {
                    _starred.Add(wordId);
                }

                words.Add(new PhraseWord(wordId, star, false));
            }

            if (words.Count == 0 || words[0].Any)
            {
                throw Fail(source, $"rule '{id}' has the phrase '{text}', which must start with a word");
            }

            _phrases.Add(new Phrase(group, [.. words], text));
        }
    }

    private static ModerationRulesException Fail(string source, string problem) => new($"The moderation rules in '{source}' {problem}.");
}
