namespace Platform.Billing.Accounts;

/// <summary>
/// A project of an organization; its tier sets the limits of all its keys, and its optional monthly budget in USD
/// caps what it may spend in a UTC month (an alert is raised once the spend reaches the alert ratio of it).
/// </summary>
public sealed record Project(
    long Id,
    long OrganizationId,
    string Name,
    long TierId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    decimal? MonthlyBudgetUsd = null,
    decimal? BudgetAlertRatio = null);

/// <summary>Changes to a project; a null field stays as it is (<see cref="Budget"/> replaces both budget fields).</summary>
public sealed record ProjectChanges(string? Name = null, long? TierId = null, ProjectBudget? Budget = null);

/// <summary>A project's budget settings; a null field means none.</summary>
public sealed record ProjectBudget(decimal? MonthlyBudgetUsd, decimal? BudgetAlertRatio);
