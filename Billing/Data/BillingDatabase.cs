using Microsoft.EntityFrameworkCore;
using Platform.Billing.Audit;

namespace Platform.Billing.Data;

/// <summary>What the repositories share: contexts from the pool, the clock, and admin changes that are audited atomically.</summary>
internal sealed class BillingDatabase(IDbContextFactory<PlatformDbContext> contexts, TimeProvider time)
{
    public TimeProvider Time { get; } = time;

    public Task<PlatformDbContext> ContextAsync(CancellationToken cancellationToken) => contexts.CreateDbContextAsync(cancellationToken);

    /// <summary>
    /// Runs an admin change in one transaction with the audit rows it records: either both land or neither does.
    /// </summary>
    public async Task<T> ChangeAsync<T>(AuditActor actor, Func<AdminChange, Task<T>> change, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var result = await change(new AdminChange(db, actor, Time.GetUtcNow(), cancellationToken));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }
}
