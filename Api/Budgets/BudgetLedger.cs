using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Options;
using Platform.Billing.Accounts;
using Platform.Billing.Budgets;

namespace Platform.Api.Budgets;

/// <summary>
/// Projects' USD spend in the current UTC month, for admitting requests against their monthly budget. Spend is
/// Postgres' (priced as the Costs API prices it) plus this replica's own recent settlements plus reservations of
/// requests in flight; Postgres is read again every <see cref="BudgetOptions.RefreshSeconds"/>. Raises each
/// project's budget alert (audit row and log line) once per month.
/// </summary>
internal sealed partial class BudgetLedger(ProjectSpendRepository repository, TimeProvider time, IOptions<BudgetOptions> options, ILogger<BudgetLedger> logger) : IDisposable
{
    private readonly ConcurrentDictionary<long, ProjectSpend> _projects = new();
    private readonly SemaphoreSlim _pricesLoading = new(1, 1);
    private PriceBook _prices = PriceBook.Empty;
    private DateTimeOffset? _pricesLoadedAt;

    public DateTimeOffset Now => time.GetUtcNow();

    public void Dispose() => _pricesLoading.Dispose();

    public static DateTimeOffset MonthOf(DateTimeOffset at) => new(at.UtcDateTime.Year, at.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The price table, read again when older than the refresh interval.</summary>
    public async Task<PriceBook> PricesAsync(CancellationToken cancellationToken)
    {
        if (_pricesLoadedAt is { } loaded && Now - loaded < Refresh)
        {
            return _prices;
        }

        await _pricesLoading.WaitAsync(cancellationToken);
        try
        {
            if (_pricesLoadedAt is not { } again || Now - again >= Refresh)
            {
                _prices = new PriceBook(await repository.PricesAsync(cancellationToken));
                _pricesLoadedAt = Now;
            }

            return _prices;
        }
        finally
        {
            _pricesLoading.Release();
        }
    }

    /// <summary>The project's settled spend this month (without requests in flight); <paramref name="fresh"/> reads Postgres now.</summary>
    public async Task<decimal> MonthSpendAsync(long projectId, bool fresh, CancellationToken cancellationToken)
    {
        var spend = await SpendOfAsync(projectId, fresh, cancellationToken);
        lock (spend.Lock)
        {
            return spend.Settled;
        }
    }

    /// <summary>Holds <paramref name="cost"/> against the budget; the spend so far when it does not fit.</summary>
    public async Task<(bool Admitted, decimal Spent, DateTimeOffset Month)> TryReserveAsync(long projectId, decimal budget, decimal cost, CancellationToken cancellationToken)
    {
        var spend = await SpendOfAsync(projectId, false, cancellationToken);
        lock (spend.Lock)
        {
            var spent = spend.Settled + spend.Reserved;
            if (spent + cost > budget)
            {
                return (false, spent, spend.Month);
            }

            spend.Reserved += cost;
            return (true, spent, spend.Month);
        }
    }

    /// <summary>Gives back the reservation and counts the real cost; raises the alert when the spend crosses the ratio.</summary>
    public async Task SettleAsync(Project project, DateTimeOffset month, decimal reserved, DateTimeOffset startedAt, decimal cost)
    {
        if (!_projects.TryGetValue(project.Id, out var spend))
        {
            return;
        }

        decimal settled;
        bool alert;
        lock (spend.Lock)
        {
            if (spend.Month == month)
            {
                spend.Reserved = Math.Max(0m, spend.Reserved - reserved);
                spend.AddSettled(startedAt, cost);
            }

            settled = spend.Settled;
            alert = ShouldAlert(project, spend, settled);
        }

        if (alert)
        {
            await AlertAsync(project, spend.Month, settled);
        }
    }

    private static bool ShouldAlert(Project project, ProjectSpend spend, decimal settled)
    {
        if (project is not { MonthlyBudgetUsd: { } budget, BudgetAlertRatio: { } ratio } || spend.AlertedMonth == spend.Month || settled < budget * ratio)
        {
            return false;
        }

        spend.AlertedMonth = spend.Month;
        return true;
    }

    private async Task AlertAsync(Project project, DateTimeOffset month, decimal settled)
    {
        var budget = project.MonthlyBudgetUsd!.Value;
        var ratio = project.BudgetAlertRatio!.Value;
        try
        {
            if (await repository.RecordAlertAsync(project.Id, DateOnly.FromDateTime(month.UtcDateTime), settled, budget, ratio, CancellationToken.None))
            {
                LogAlert(logger, project.Id, settled, budget, ratio * 100m, month.ToString("yyyy-MM", CultureInfo.InvariantCulture));
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Tried again at a later settlement: the database may be back by then.
            if (_projects.TryGetValue(project.Id, out var spend))
            {
                lock (spend.Lock)
                {
                    spend.AlertedMonth = null;
                }
            }

            LogAlertFailed(logger, ex, project.Id);
        }
    }

    private TimeSpan Refresh => TimeSpan.FromSeconds(options.Value.RefreshSeconds);

    private async Task<ProjectSpend> SpendOfAsync(long projectId, bool fresh, CancellationToken cancellationToken)
    {
        var now = Now;
        var month = MonthOf(now);
        var spend = _projects.GetOrAdd(projectId, _ => new ProjectSpend(month));
        bool stale;
        lock (spend.Lock)
        {
            stale = fresh || spend.Month != month || spend.LoadedAt is not { } loaded || now - loaded >= Refresh;
        }

        if (stale)
        {
            var cutoff = now - TimeSpan.FromSeconds(options.Value.MeteringLagSeconds);
            cutoff = cutoff < month ? month : cutoff;
            var stored = await repository.SpendAsync(projectId, month, cutoff, cancellationToken);
            lock (spend.Lock)
            {
                spend.Load(month, cutoff, stored, now);
            }
        }

        return spend;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Project proj_{ProjectId} has spent {Spent} USD of its monthly budget of {Budget} USD, reaching its alert threshold of {Percent}% for {Month}.")]
    private static partial void LogAlert(ILogger logger, long projectId, decimal spent, decimal budget, decimal percent, string month);

    [LoggerMessage(Level = LogLevel.Error, Message = "The budget alert of project proj_{ProjectId} could not be recorded; it is tried again at the next settlement.")]
    private static partial void LogAlertFailed(ILogger logger, Exception exception, long projectId);
}
