namespace Platform.Billing.Keys;

/// <summary>What a new key is for; <paramref name="ExpiresAt"/> null means it never expires.</summary>
public sealed record NewApiKey(long ProjectId, string Name, IReadOnlyList<string> Scopes, DateTimeOffset? ExpiresAt = null);
