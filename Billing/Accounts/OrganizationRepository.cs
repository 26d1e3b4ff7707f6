using Microsoft.EntityFrameworkCore;
using Platform.Billing.Audit;
using Platform.Billing.Data;

namespace Platform.Billing.Accounts;

/// <summary>Organizations: create, read, list and rename; every change is audited in its own transaction.</summary>
public sealed class OrganizationRepository
{
    private readonly BillingDatabase _database;

    internal OrganizationRepository(BillingDatabase database) => _database = database;

    public Task<Organization> CreateAsync(string name, AuditActor actor, CancellationToken cancellationToken = default)
    {
        Check.Name(name);
        return _database.ChangeAsync(actor, async change =>
        {
            var row = new OrganizationRow { Name = name, CreatedAt = change.Now, UpdatedAt = change.Now };
            change.Db.Organizations.Add(row);
            await change.SaveAsync();
            var created = row.ToOrganization();
            change.Record(AuditActions.Create, AuditEntityTypes.Organization, row.Id, null, created);
            return created;
        }, cancellationToken);
    }

    public async Task<Organization> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var db = await _database.ContextAsync(cancellationToken);
        var row = await db.Organizations.AsNoTracking().SingleOrDefaultAsync(o => o.Id == id, cancellationToken);
        return row?.ToOrganization() ?? throw Check.NotFound("organization", id);
    }

    public async Task<Page<Organization>> ListAsync(PageRequest page, CancellationToken cancellationToken = default)
    {
        await using var db = await _database.ContextAsync(cancellationToken);
        return await db.Organizations.ToPageAsync(page, o => o.ToOrganization(), cancellationToken);
    }

    public Task<Organization> UpdateAsync(long id, string name, AuditActor actor, CancellationToken cancellationToken = default)
    {
        Check.Name(name);
        return _database.ChangeAsync(actor, async change =>
        {
            var row = await change.LockAsync<OrganizationRow>(id) ?? throw Check.NotFound("organization", id);
            var before = row.ToOrganization();
            row.Name = name;
            row.UpdatedAt = change.Now;
            await change.SaveAsync();
            var after = row.ToOrganization();
            change.Record(AuditActions.Update, AuditEntityTypes.Organization, id, before, after);
            return after;
        }, cancellationToken);
    }
}
