using Platform.Billing.Keys;

namespace Platform.Billing.Data;

/// <summary>A row of <c>api_keys</c>: the secret's hash and display form, never the secret.</summary>
internal sealed class ApiKeyRow : IRow
{
    public long Id { get; set; }

    public long ProjectId { get; set; }

    public ProjectRow? Project { get; set; }

    public required string Name { get; set; }

    public required string SecretHash { get; set; }

    public required string Display { get; set; }

    public string[] Scopes { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public long? ReplacedBy { get; set; }

    public DateTimeOffset? GraceUntil { get; set; }

    public ApiKey ToApiKey() =>
        new(Id, ProjectId, Name, Display, Scopes, CreatedAt, LastUsedAt, ExpiresAt, RevokedAt, ReplacedBy, GraceUntil);
}
