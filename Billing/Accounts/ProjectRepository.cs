using Microsoft.EntityFrameworkCore;
using Platform.Billing.Audit;
using Platform.Billing.Data;

namespace Platform.Billing.Accounts;

/// <summary>Projects of an organization, each on a tier; every change is audited in its own transaction.</summary>
public sealed class ProjectRepository
{
    private readonly BillingDatabase _database;

    internal ProjectRepository(BillingDatabase database) => _database = database;

    public Task<Project> CreateAsync(long organizationId, string name, long tierId, AuditActor actor, CancellationToken cancellationToken = default)
    {
        Check.Name(name);
        return _database.ChangeAsync(actor, async change =>
        {
            if (!await change.Db.Organizations.AnyAsync(o => o.Id == organizationId, change.CancellationToken))
            {
                throw Check.NotFound("organization", organizationId, "organization_id");
            }

            await RequireTierAsync(change, tierId);
            var row = new ProjectRow { OrganizationId = organizationId, Name = name, TierId = tierId, CreatedAt = change.Now, UpdatedAt = change.Now };
            change.Db.Projects.Add(row);
            await change.SaveAsync();
            var created = row.ToProject();
            change.Record(AuditActions.Create, AuditEntityTypes.Project, row.Id, null, created);
            return created;
        }, cancellationToken);
    }

    public async Task<Project> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var db = await _database.ContextAsync(cancellationToken);
        var row = await db.Projects.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
        return row?.ToProject() ?? throw Check.NotFound("project", id);
    }

    /// <summary>The projects of one organization; an unknown organization is not found rather than an empty list.</summary>
    public async Task<Page<Project>> ListAsync(long organizationId, PageRequest page, CancellationToken cancellationToken = default)
    {
        await using var db = await _database.ContextAsync(cancellationToken);
        if (!await db.Organizations.AnyAsync(o => o.Id == organizationId, cancellationToken))
        {
            throw Check.NotFound("organization", organizationId, "organization_id");
        }

        return await db.Projects.Where(p => p.OrganizationId == organizationId).ToPageAsync(page, p => p.ToProject(), cancellationToken);
    }

    /// <summary>Renames the project or moves it to another tier (the new limits apply to all its keys).</summary>
    public Task<Project> UpdateAsync(long id, ProjectChanges changes, AuditActor actor, CancellationToken cancellationToken = default)
    {
        if (changes.Name is not null)
        {
            Check.Name(changes.Name);
        }

        return _database.ChangeAsync(actor, async change =>
        {
            var row = await change.LockAsync<ProjectRow>(id) ?? throw Check.NotFound("project", id);
            if (changes.TierId is { } tierId)
            {
                await RequireTierAsync(change, tierId);
            }

            var before = row.ToProject();
            row.Name = changes.Name ?? row.Name;
            row.TierId = changes.TierId ?? row.TierId;
            if (changes.Budget is { } budget)
            {
                row.MonthlyBudgetUsd = budget.MonthlyBudgetUsd;
                row.BudgetAlertRatio = budget.BudgetAlertRatio;
            }

            row.UpdatedAt = change.Now;
            await change.SaveAsync();
            var after = row.ToProject();
            change.Record(AuditActions.Update, AuditEntityTypes.Project, id, before, after);
            return after;
        }, cancellationToken);
    }

    private static async Task RequireTierAsync(AdminChange change, long tierId)
    {
        if (!await change.Db.Tiers.AnyAsync(t => t.Id == tierId, change.CancellationToken))
        {
            throw Check.NotFound("tier", tierId, "tier_id");
        }
    }
}
