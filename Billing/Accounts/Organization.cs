namespace Platform.Billing.Accounts;

/// <summary>An organization: owns projects, which own keys.</summary>
public sealed record Organization(long Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
