namespace Platform.Billing.Accounts;

/// <summary>A project of an organization; its tier sets the limits of all its keys.</summary>
public sealed record Project(long Id, long OrganizationId, string Name, long TierId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>Changes to a project; a null field stays as it is.</summary>
public sealed record ProjectChanges(string? Name = null, long? TierId = null);
