namespace Platform.Billing.Audit;

/// <summary>
/// One admin change: who (<paramref name="ActorKeyId"/>, <paramref name="ActorDisplay"/>), what
/// (<paramref name="Action"/> on <paramref name="EntityType"/> <paramref name="EntityId"/>), when, and the entity as
/// JSON before and after (null before a creation).
/// </summary>
public sealed record AuditEntry(
    long Id,
    long? ActorKeyId,
    string ActorDisplay,
    string Action,
    string EntityType,
    long EntityId,
    DateTimeOffset At,
    string? Before,
    string? After);
