using Platform.Billing.Accounts;

namespace Platform.Billing.Data;

/// <summary>A row of <c>organizations</c>.</summary>
internal sealed class OrganizationRow : IRow
{
    public long Id { get; set; }

    public required string Name { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public Organization ToOrganization() => new(Id, Name, CreatedAt, UpdatedAt);
}
