namespace Platform.Billing.Tiers;

/// <summary>A usage tier: a named set of limits that projects are put on.</summary>
public sealed record Tier(long Id, string Name, TierLimits Limits, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
