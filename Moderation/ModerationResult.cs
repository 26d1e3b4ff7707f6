namespace Platform.Moderation;

/// <summary>
/// What a classifier found in one input: a score in [0, 1] and a verdict per category (indexed as
/// <see cref="ModerationCategories.All"/>), and the names of the rules or labels behind the scores, so a reviewer can
/// see why.
/// </summary>
public sealed record ModerationResult(IReadOnlyList<double> Scores, IReadOnlyList<bool> Flags, IReadOnlyList<string> Matched)
{
    public bool Flagged => Flags.Contains(true);

    /// <summary>The flagged categories' names, in the standard order.</summary>
    public IReadOnlyList<string> FlaggedCategories =>
        [.. ModerationCategories.All.Where((_, i) => Flags[i])];

    public double Score(string category) => Scores[ModerationCategories.IndexOf(category)];

    /// <summary>Per category the higher score and either verdict: several inputs or windows of one output as one.</summary>
    public static ModerationResult Combine(ModerationResult a, ModerationResult b) => new(
        [.. a.Scores.Zip(b.Scores, Math.Max)],
        [.. a.Flags.Zip(b.Flags, (x, y) => x || y)],
        [.. a.Matched.Union(b.Matched, StringComparer.Ordinal)]);

    public static ModerationResult Empty { get; } = new(
        [.. ModerationCategories.All.Select(_ => 0d)], [.. ModerationCategories.All.Select(_ => false)], []);
}
