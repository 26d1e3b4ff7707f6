using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Platform.Billing.Audit;

namespace Platform.Billing.Data;

/// <summary>One admin change in progress: its context and transaction, its instant, and the audit rows it adds.</summary>
internal sealed class AdminChange(PlatformDbContext db, AuditActor actor, DateTimeOffset now, CancellationToken cancellationToken)
{
    public PlatformDbContext Db { get; } = db;

    public DateTimeOffset Now { get; } = now;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>Writes pending rows (so new ids are known); database refusals become billing exceptions.</summary>
    public async Task SaveAsync()
    {
        try
        {
            await Db.SaveChangesAsync(CancellationToken);
        }
        catch (DbUpdateException ex) when (PostgresErrors.Translate(ex) is { } refused)
        {
            throw refused;
        }
    }

    /// <summary>
    /// Reads a row with <c>FOR UPDATE</c>, so concurrent changes to it queue up and the audited "before" is what the
    /// change replaced. Null when no row has the id.
    /// </summary>
    public async Task<TRow?> LockAsync<TRow>(long id)
        where TRow : class, IRow
    {
        var table = Db.Model.FindEntityType(typeof(TRow))?.GetTableName()
            ?? throw new InvalidOperationException($"{typeof(TRow).Name} is not mapped.");
        var sql = "SELECT * FROM " + table + " WHERE id = {0} FOR UPDATE";
        var rows = await Db.Set<TRow>().FromSqlRaw(sql, id).ToListAsync(CancellationToken);
        return rows.SingleOrDefault();
    }

    /// <summary>Adds the audit row; it is written with the change itself.</summary>
    public void Record<T>(string action, string entityType, long entityId, T? before, T? after)
        where T : class =>
        Db.AuditLog.Add(new AuditEntryRow
        {
            ActorKeyId = actor.KeyId,
            ActorDisplay = actor.Display,
            Action = action,
            EntityType = entityType,
            EntityId = entityId,
            At = Now,
            Before = before is null ? null : JsonSerializer.Serialize(before, typeof(T), AuditJsonContext.Default),
            After = after is null ? null : JsonSerializer.Serialize(after, typeof(T), AuditJsonContext.Default),
        });
}
