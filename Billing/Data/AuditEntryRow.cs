using Platform.Billing.Audit;

namespace Platform.Billing.Data;

/// <summary>A row of <c>audit_log</c>; <see cref="Before"/> and <see cref="After"/> are jsonb.</summary>
internal sealed class AuditEntryRow : IRow
{
    public long Id { get; set; }

    public long? ActorKeyId { get; set; }

    public required string ActorDisplay { get; set; }

    public required string Action { get; set; }

    public required string EntityType { get; set; }

    public long EntityId { get; set; }

    public DateTimeOffset At { get; set; }

    public string? Before { get; set; }

    public string? After { get; set; }

    public AuditEntry ToAuditEntry() => new(Id, ActorKeyId, ActorDisplay, Action, EntityType, EntityId, At, Before, After);
}
