using Microsoft.EntityFrameworkCore;

namespace Platform.Billing.Data;

/// <summary>Keyset pagination over identity ids: no OFFSET, so a page costs the same wherever it is.</summary>
internal static class Paging
{
    public static async Task<Page<T>> ToPageAsync<TRow, T>(
        this IQueryable<TRow> rows, PageRequest page, Func<TRow, T> map, CancellationToken cancellationToken)
        where TRow : class, IRow
    {
        if (page.Limit is < 1 or > PageRequest.MaxLimit)
        {
            throw new BillingValidationException($"limit must be between 1 and {PageRequest.MaxLimit}.", "limit");
        }

        if (page.After is { } after)
        {
            rows = rows.Where(r => r.Id > after);
        }

        // One row past the page says whether there is a next one.
        var found = await rows.OrderBy(r => r.Id).Take(page.Limit + 1).AsNoTracking().ToListAsync(cancellationToken);
        var hasMore = found.Count > page.Limit;
        return new Page<T>([.. found.Take(page.Limit).Select(map)], hasMore);
    }
}
