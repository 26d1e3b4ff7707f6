using Platform.Billing.Data;

namespace Platform.Billing.Audit;

/// <summary>Reads the audit log (it is written by the repositories, inside each change's transaction).</summary>
public sealed class AuditLogRepository
{
    private readonly BillingDatabase _database;

    internal AuditLogRepository(BillingDatabase database) => _database = database;

    /// <summary>Entries in the order they were written, optionally of one entity type or one entity.</summary>
    public async Task<Page<AuditEntry>> ListAsync(
        PageRequest page, string? entityType = null, long? entityId = null, CancellationToken cancellationToken = default)
    {
        await using var db = await _database.ContextAsync(cancellationToken);
        IQueryable<AuditEntryRow> entries = db.AuditLog;
        if (entityType is not null)
        {
            entries = entries.Where(e => e.EntityType == entityType);
        }

        if (entityId is { } id)
        {
            entries = entries.Where(e => e.EntityId == id);
        }

        return await entries.ToPageAsync(page, e => e.ToAuditEntry(), cancellationToken);
    }
}
