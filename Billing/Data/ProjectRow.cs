using Platform.Billing.Accounts;

namespace Platform.Billing.Data;

/// <summary>A row of <c>projects</c>.</summary>
internal sealed class ProjectRow : IRow
{
    public long Id { get; set; }

    public long OrganizationId { get; set; }

    public OrganizationRow? Organization { get; set; }

    public required string Name { get; set; }

    public long TierId { get; set; }

    public TierRow? Tier { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public decimal? MonthlyBudgetUsd { get; set; }

    public decimal? BudgetAlertRatio { get; set; }

    public Project ToProject() => new(Id, OrganizationId, Name, TierId, CreatedAt, UpdatedAt, MonthlyBudgetUsd, BudgetAlertRatio);
}
