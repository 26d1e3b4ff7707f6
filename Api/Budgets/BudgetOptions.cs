using System.ComponentModel.DataAnnotations;

namespace Platform.Api.Budgets;

/// <summary>How the USD budget check keeps its view of a project's month spend (section <c>Budgets</c>).</summary>
internal sealed class BudgetOptions
{
    public const string SectionName = "Budgets";

    /// <summary>How long a project's spend read from Postgres, and the price table, are used before being read again.</summary>
    [Range(1, 3600)]
    public int RefreshSeconds { get; set; } = 10;

    /// <summary>
    /// Events younger than this are counted from this replica's own settlements rather than from Postgres, because
    /// metering writes them there in the background; spend of other replicas shows up after this delay.
    /// </summary>
    [Range(1, 3600)]
    public int MeteringLagSeconds { get; set; } = 60;
}
