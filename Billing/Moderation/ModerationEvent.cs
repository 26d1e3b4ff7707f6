namespace Platform.Billing.Moderation;

/// <summary>
/// A flagged request, for trust-and-safety review: who (project, key), which request, what was checked (<c>input</c> or
/// <c>output</c>), what happened (<c>flagged</c>, <c>blocked</c>, <c>filtered</c>), the flagged categories, every
/// category's score, the rules behind them, and the start of the text.
/// </summary>
public sealed record ModerationEvent(
    long Id,
    string RequestId,
    long ProjectId,
    long ApiKeyId,
    string Model,
    string Source,
    string Action,
    IReadOnlyList<string> Categories,
    IReadOnlyDictionary<string, double> Scores,
    IReadOnlyList<string> MatchedRules,
    string Excerpt,
    DateTimeOffset CreatedAt);

/// <summary>A flagged request to record; the database gives it an id.</summary>
public sealed record NewModerationEvent(
    string RequestId,
    long ProjectId,
    long ApiKeyId,
    string Model,
    string Source,
    string Action,
    IReadOnlyList<string> Categories,
    IReadOnlyDictionary<string, double> Scores,
    IReadOnlyList<string> MatchedRules,
    string Excerpt,
    DateTimeOffset CreatedAt)
{
    /// <summary>The longest excerpt kept (the schema's limit).</summary>
    public const int MaxExcerptLength = 500;
}

/// <summary>Which events to list: any combination of project, key, category and a time range (from inclusive, to exclusive).</summary>
public sealed record ModerationEventFilter(
    long? ProjectId = null, long? ApiKeyId = null, string? Category = null, DateTimeOffset? From = null, DateTimeOffset? To = null, long? OrganizationId = null);
