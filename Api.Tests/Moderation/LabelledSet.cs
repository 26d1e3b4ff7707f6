using System.Globalization;
using System.Text;
using Platform.Moderation;

namespace Platform.Api.Tests.Moderation;

/// <summary>One text of the labelled set: its subset (plain, obfuscated, benign) and the categories it should be flagged for.</summary>
internal sealed record LabelledText(string Subset, IReadOnlySet<string> Expected, string Text);

/// <summary>Precision and recall of a classifier over the labelled set, per category and on the obfuscated subset.</summary>
internal sealed record LabelledSetFigures(IReadOnlyList<CategoryFigures> Categories, double ObfuscatedRecall, double BenignFalsePositiveRate, int Texts)
{
    public string ToMarkdown()
    {
        var table = new StringBuilder();
        table.AppendLine("| Category | Labelled | Precision | Recall |");
        table.AppendLine("|---|---:|---:|---:|");
        foreach (var c in Categories)
        {
            table.AppendLine(CultureInfo.InvariantCulture, $"| `{c.Category}` | {c.Positives} | {c.Precision:0.00} | {c.Recall:0.00} |");
        }

        table.AppendLine(CultureInfo.InvariantCulture, $"| obfuscated subset (recall of its labels) | | | {ObfuscatedRecall:0.00} |");
        table.AppendLine(CultureInfo.InvariantCulture, $"| benign subset flagged (any category) | | {BenignFalsePositiveRate:0.00} | |");
        return table.ToString();
    }
}

internal sealed record CategoryFigures(string Category, int Positives, int TruePositives, int FalsePositives)
{
    public double Precision => TruePositives + FalsePositives == 0 ? 1 : (double)TruePositives / (TruePositives + FalsePositives);

    public double Recall => Positives == 0 ? 1 : (double)TruePositives / Positives;
}

internal static class LabelledSet
{
    public static IReadOnlyList<LabelledText> Load(string file = "labelled-set.tsv")
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Moderation", file);
        return [.. File.ReadLines(path)
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split('\t'))
            .Select(f => new LabelledText(
                f[0],
                f[1] == "-" ? new HashSet<string>() : new HashSet<string>(f[1].Split(','), StringComparer.Ordinal),
                f[2]))];
    }

    public static LabelledSetFigures Evaluate(ITextClassifier classifier, IReadOnlyList<LabelledText> texts)
    {
        var results = texts.Select(t => (Text: t, Flagged: classifier.Classify(t.Text).FlaggedCategories.ToHashSet(StringComparer.Ordinal))).ToList();
        var categories = ModerationCategories.All.Select(c => new CategoryFigures(
            c,
            results.Count(r => r.Text.Expected.Contains(c)),
            results.Count(r => r.Text.Expected.Contains(c) && r.Flagged.Contains(c)),
            results.Count(r => !r.Text.Expected.Contains(c) && r.Flagged.Contains(c)))).ToList();
        var obfuscated = results.Where(r => r.Text.Subset == "obfuscated").ToList();
        var labels = obfuscated.Sum(r => r.Text.Expected.Count);
        var found = obfuscated.Sum(r => r.Text.Expected.Count(r.Flagged.Contains));
        var benign = results.Where(r => r.Text.Subset == "benign").ToList();
        return new LabelledSetFigures(
            categories,
            labels == 0 ? 0 : (double)found / labels,
            benign.Count == 0 ? 0 : (double)benign.Count(r => r.Flagged.Count > 0) / benign.Count,
            texts.Count);
    }

    /// <summary>What went wrong, text by text, for the failure message and for people tuning rules.</summary>
    public static string Misses(ITextClassifier classifier, IEnumerable<LabelledText> texts) => string.Join('\n', texts
        .Select(t => (t, Result: classifier.Classify(t.Text)))
        .Select(x => (x.t, x.Result, Flagged: x.Result.FlaggedCategories.ToHashSet(StringComparer.Ordinal)))
        .Where(x => !x.Flagged.SetEquals(x.t.Expected))
        .Select(x => $"[{x.t.Subset}] {x.t.Text} | missed: {string.Join(",", x.t.Expected.Except(x.Flagged))} | extra: {string.Join(",", x.Flagged.Except(x.t.Expected))} | rules: {string.Join(",", x.Result.Matched)}"));
}
