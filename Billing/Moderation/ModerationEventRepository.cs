using Microsoft.EntityFrameworkCore;
using Platform.Billing.Data;

namespace Platform.Billing.Moderation;

/// <summary>Flagged requests: written in batches by the moderation pass's background writer, listed for review.</summary>
public sealed class ModerationEventRepository
{
    private readonly BillingDatabase _database;

    internal ModerationEventRepository(BillingDatabase database) => _database = database;

    public async Task AddAsync(IReadOnlyList<NewModerationEvent> events, CancellationToken cancellationToken = default)
    {
        if (events.Count == 0)
        {
            return;
        }

        await using var db = await _database.ContextAsync(cancellationToken);
        db.ModerationEvents.AddRange(events.Select(ModerationEventRow.From));
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Events in the order they were written, filtered by any of project, key, category and time range.</summary>
    public async Task<Page<ModerationEvent>> ListAsync(PageRequest page, ModerationEventFilter filter, CancellationToken cancellationToken = default)
    {
        await using var db = await _database.ContextAsync(cancellationToken);
        IQueryable<ModerationEventRow> events = db.ModerationEvents;
        if (filter.ProjectId is { } project)
        {
            events = events.Where(e => e.ProjectId == project);
        }

        if (filter.OrganizationId is { } organization)
        {
            events = events.Where(e => db.Projects.Any(p => p.Id == e.ProjectId && p.OrganizationId == organization));
        }

        if (filter.ApiKeyId is { } key)
        {
            events = events.Where(e => e.ApiKeyId == key);
        }

        if (filter.Category is { } category)
        {
            events = events.Where(e => e.Categories.Contains(category));
        }

        if (filter.From is { } from)
        {
            events = events.Where(e => e.CreatedAt >= from);
        }

        if (filter.To is { } to)
        {
            events = events.Where(e => e.CreatedAt < to);
        }

        return await events.ToPageAsync(page, e => e.ToEvent(), cancellationToken);
    }
}
