namespace Platform.Billing.Reports;

/// <summary>Which columns a report groups by, besides its time bucket.</summary>
public sealed record UsageGrouping(bool Organization, bool Project, bool ApiKey, bool Model)
{
    public static readonly UsageGrouping None = new(false, false, false, false);
    public static readonly UsageGrouping All = new(true, true, true, true);
}

/// <summary>
/// Events with <paramref name="Start"/> &lt;= occurred_at &lt; <paramref name="End"/>, bucketed by
/// <paramref name="Width"/> from <paramref name="Origin"/>, optionally of one organization, of the completions
/// endpoints only, and of some projects, keys or models.
/// </summary>
public sealed record UsageQuery(
    DateTimeOffset Start,
    DateTimeOffset End,
    BucketWidth Width,
    DateTimeOffset Origin,
    UsageGrouping Grouping,
    long? OrganizationId = null,
    bool CompletionsOnly = false,
    IReadOnlyList<long>? ProjectIds = null,
    IReadOnlyList<long>? ApiKeyIds = null,
    IReadOnlyList<string>? Models = null);

/// <summary>
/// One report row: a bucket and the grouped columns (null when not grouped, or when the events had none), the
/// request count, token sums and the cost in USD, unrounded (round with <see cref="Cost.Round"/> to show).
/// </summary>
public sealed record UsageRow(
    DateTimeOffset BucketStart,
    long? OrganizationId,
    long? ProjectId,
    long? ApiKeyId,
    string? Model,
    long Requests,
    long InputTokens,
    long CachedInputTokens,
    long OutputTokens,
    decimal InputCost,
    decimal CachedInputCost,
    decimal OutputCost)
{
    public decimal TotalCost => InputCost + CachedInputCost + OutputCost;
}

/// <summary>How costs are shown: rounded to 6 decimal places, half away from zero; totals are rounded from unrounded sums.</summary>
public static class Cost
{
    public const int Decimals = 6;

    public static decimal Round(decimal value) => decimal.Round(value, Decimals, MidpointRounding.AwayFromZero);
}
