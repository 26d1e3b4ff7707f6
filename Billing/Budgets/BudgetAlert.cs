namespace Platform.Billing.Budgets;

/// <summary>A project's spend reaching its alert ratio in a UTC month: the "after" of the <c>budget_alert</c> audit row.</summary>
public sealed record BudgetAlert(long ProjectId, string Month, decimal SpendUsd, decimal MonthlyBudgetUsd, decimal BudgetAlertRatio);
