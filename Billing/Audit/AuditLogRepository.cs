using Platform.Billing.Data;

namespace Platform.Billing.Audit;

/// <summary>Reads the audit log (it is written by the repositories, inside each change's transaction).</summary>
public sealed class AuditLogRepository
{
    private readonly BillingDatabase _database;

    internal AuditLogRepository(BillingDatabase database) => _database = database;

    /// <summary>
    /// Entries in the order they were written, optionally of one entity type or one entity, and optionally only those
    /// about one organization (the organization itself, its projects and their keys; tiers and prices are nobody's).
    /// </summary>
    public async Task<Page<AuditEntry>> ListAsync(
        PageRequest page, string? entityType = null, long? entityId = null, long? organizationId = null, CancellationToken cancellationToken = default)
    {
        await using var db = await _database.ContextAsync(cancellationToken);
        IQueryable<AuditEntryRow> entries = db.AuditLog;
        if (organizationId is { } organization)
        {
            entries = entries.Where(e =>
                (e.EntityType == AuditEntityTypes.Organization && e.EntityId == organization)
                || (e.EntityType == AuditEntityTypes.Project && db.Projects.Any(p => p.Id == e.EntityId && p.OrganizationId == organization))
                || (e.EntityType == AuditEntityTypes.ApiKey && db.ApiKeys.Any(k => k.Id == e.EntityId && k.Project!.OrganizationId == organization)));
        }

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
