using Microsoft.EntityFrameworkCore;
using Platform.Billing.Audit;
using Platform.Billing.Data;

namespace Platform.Billing.Tiers;

/// <summary>Usage tiers: create, read, list and redefine; every change is audited in its own transaction.</summary>
public sealed class TierRepository
{
    private readonly BillingDatabase _database;

    internal TierRepository(BillingDatabase database) => _database = database;

    public Task<Tier> CreateAsync(string name, TierLimits limits, AuditActor actor, CancellationToken cancellationToken = default)
    {
        TierRules.Validate(name, limits);
        return _database.ChangeAsync(actor, async change =>
        {
            var row = new TierRow { Name = name, CreatedAt = change.Now, UpdatedAt = change.Now };
            row.Apply(limits);
            change.Db.Tiers.Add(row);
            await change.SaveAsync();
            var created = row.ToTier();
            change.Record(AuditActions.Create, AuditEntityTypes.Tier, row.Id, null, created);
            return created;
        }, cancellationToken);
    }

    public async Task<Tier> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var db = await _database.ContextAsync(cancellationToken);
        var row = await db.Tiers.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, cancellationToken);
        return row?.ToTier() ?? throw Check.NotFound("tier", id);
    }

    public async Task<Tier> GetByNameAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var db = await _database.ContextAsync(cancellationToken);
        var row = await db.Tiers.AsNoTracking().SingleOrDefaultAsync(t => t.Name == name, cancellationToken);
        return row?.ToTier() ?? throw new BillingNotFoundException($"No tier is named '{name}'.", "name");
    }

    /// <summary>The tier a new project starts on when nobody chose one: the lowest waiting-room priority (the seeded <c>free</c>).</summary>
    public async Task<Tier> EntryTierAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await _database.ContextAsync(cancellationToken);
        var row = await db.Tiers.AsNoTracking().OrderBy(t => t.WaitingRoomPriority).ThenBy(t => t.Id).FirstOrDefaultAsync(cancellationToken);
        return row?.ToTier() ?? throw new BillingNotFoundException("No tier is defined.", "tier_id");
    }

    public async Task<Page<Tier>> ListAsync(PageRequest page, CancellationToken cancellationToken = default)
    {
        await using var db = await _database.ContextAsync(cancellationToken);
        return await db.Tiers.ToPageAsync(page, t => t.ToTier(), cancellationToken);
    }

    /// <summary>Replaces the tier's name and limits; projects on it get the new limits.</summary>
    public Task<Tier> UpdateAsync(long id, string name, TierLimits limits, AuditActor actor, CancellationToken cancellationToken = default)
    {
        TierRules.Validate(name, limits);
        return _database.ChangeAsync(actor, async change =>
        {
            var row = await change.LockAsync<TierRow>(id) ?? throw Check.NotFound("tier", id);
            var before = row.ToTier();
            row.Name = name;
            row.Apply(limits);
            row.UpdatedAt = change.Now;
            await change.SaveAsync();
            var after = row.ToTier();
            change.Record(AuditActions.Update, AuditEntityTypes.Tier, id, before, after);
            return after;
        }, cancellationToken);
    }
}
