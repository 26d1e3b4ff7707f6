namespace Platform.Api.Budgets;

/// <summary>
/// One project's spend in the current UTC month as this replica sees it: Postgres' figure for the events before
/// <see cref="Cutoff"/>, this replica's own settlements since then (metering may not have written them yet), and
/// what requests in flight hold. Guarded by its own lock.
/// </summary>
internal sealed class ProjectSpend(DateTimeOffset month)
{
    private readonly List<(DateTimeOffset StartedAt, decimal Cost)> _recent = [];

    public object Lock { get; } = new();

    public DateTimeOffset Month { get; private set; } = month;

    public DateTimeOffset Cutoff { get; private set; } = month;

    public decimal Stored { get; private set; }

    public DateTimeOffset? LoadedAt { get; private set; }

    public decimal Reserved { get; set; }

    /// <summary>The month whose alert this replica already raised (or saw raised).</summary>
    public DateTimeOffset? AlertedMonth { get; set; }

    public decimal Settled => Stored + _recent.Sum(r => r.Cost);

    /// <summary>Postgres' spend before <paramref name="cutoff"/>; own settlements older than that are in it now.</summary>
    public void Load(DateTimeOffset month, DateTimeOffset cutoff, decimal stored, DateTimeOffset loadedAt)
    {
        if (month != Month)
        {
            Month = month;
            Reserved = 0m;
        }

        Cutoff = cutoff;
        Stored = stored;
        LoadedAt = loadedAt;
        _recent.RemoveAll(r => r.StartedAt < cutoff || r.StartedAt < month);
    }

    public void AddSettled(DateTimeOffset startedAt, decimal cost)
    {
        if (startedAt >= Cutoff && cost > 0m)
        {
            _recent.Add((startedAt, cost));
        }
    }
}
