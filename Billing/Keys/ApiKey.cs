namespace Platform.Billing.Keys;

/// <summary>
/// An API key as stored: never the secret, only its display form. A rotated key names its replacement in
/// <paramref name="ReplacedBy"/> and keeps working until <paramref name="GraceUntil"/>.
/// </summary>
public sealed record ApiKey(
    long Id,
    long ProjectId,
    string Name,
    string Display,
    IReadOnlyList<string> Scopes,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    long? ReplacedBy,
    DateTimeOffset? GraceUntil)
{
    /// <summary>Whether the key authenticates at <paramref name="now"/>; revocation wins over everything else.</summary>
    public ApiKeyStatus StatusAt(DateTimeOffset now) =>
        RevokedAt is not null ? ApiKeyStatus.Revoked
        : ExpiresAt <= now ? ApiKeyStatus.Expired
        : GraceUntil <= now ? ApiKeyStatus.Replaced
        : ApiKeyStatus.Active;

    public bool HasScope(string scope) => Scopes.Contains(scope, StringComparer.Ordinal);
}

/// <summary>Whether a key authenticates; only <see cref="Active"/> does.</summary>
public enum ApiKeyStatus
{
    Active,
    Revoked,
    Expired,

    /// <summary>Rotated, and its grace period is over.</summary>
    Replaced,
}
