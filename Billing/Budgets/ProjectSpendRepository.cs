using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Platform.Billing.Audit;
using Platform.Billing.Data;
using Platform.Billing.Pricing;

namespace Platform.Billing.Budgets;

/// <summary>
/// What a project spent, priced exactly as the Costs API prices it: each usage event at the <c>model_prices</c> row
/// in effect at its <c>occurred_at</c>, (prompt - cached) x input + cached x cached input + completion x output per
/// million tokens, a model without a price costing 0. Also the price table itself and the once-a-month budget alert.
/// </summary>
public sealed class ProjectSpendRepository
{
    private const decimal PerMillion = 1_000_000m;

    private readonly NpgsqlDataSource _dataSource;
    private readonly BillingDatabase _database;

    internal ProjectSpendRepository(NpgsqlDataSource dataSource, BillingDatabase database)
    {
        _dataSource = dataSource;
        _database = database;
    }

    /// <summary>The project's spend in USD on the events that occurred in [<paramref name="start"/>, <paramref name="end"/>).</summary>
    public async Task<decimal> SpendAsync(long projectId, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            WITH prices AS (
                SELECT model, input_per_million, cached_input_per_million, output_per_million, effective_from,
                       lead(effective_from, 1, 'infinity'::timestamptz) OVER (PARTITION BY model ORDER BY effective_from) AS effective_to
                FROM model_prices)
            SELECT coalesce(sum((e.prompt_tokens - e.cached_prompt_tokens) * p.input_per_million
                                + e.cached_prompt_tokens * p.cached_input_per_million
                                + e.completion_tokens * p.output_per_million), 0)
            FROM usage_events e
            LEFT JOIN prices p ON p.model = e.model AND e.occurred_at >= p.effective_from AND e.occurred_at < p.effective_to
            WHERE e.project_id = @project AND e.occurred_at >= @start AND e.occurred_at < @end
            """, connection);
        command.Parameters.Add(new NpgsqlParameter("project", NpgsqlDbType.Bigint) { Value = projectId });
        command.Parameters.Add(new NpgsqlParameter("start", NpgsqlDbType.TimestampTz) { Value = start.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter("end", NpgsqlDbType.TimestampTz) { Value = end.UtcDateTime });
        var total = (decimal)(await command.ExecuteScalarAsync(cancellationToken))!;
        return total / PerMillion;
    }

    /// <summary>Every price of every model (a small table), for pricing requests in flight.</summary>
    public async Task<IReadOnlyList<ModelPrice>> PricesAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await _database.ContextAsync(cancellationToken);
        var rows = await db.ModelPrices.AsNoTracking().OrderBy(p => p.Model).ThenBy(p => p.EffectiveFrom).ToListAsync(cancellationToken);
        return [.. rows.Select(r => r.ToModelPrice())];
    }

    /// <summary>
    /// Records that the project's spend reached its alert ratio in the month starting at <paramref name="month"/>,
    /// with an audit row; true only for the first call of that project and month, across all replicas.
    /// </summary>
    public Task<bool> RecordAlertAsync(long projectId, DateOnly month, decimal spendUsd, decimal budgetUsd, decimal ratio, CancellationToken cancellationToken = default) =>
        _database.ChangeAsync(AuditActor.System, async change =>
        {
            var inserted = await change.Db.Database.ExecuteSqlInterpolatedAsync(
                $"INSERT INTO project_budget_alerts (project_id, month, spend_usd, budget_usd, alert_ratio) VALUES ({projectId}, {month}, {spendUsd}, {budgetUsd}, {ratio}) ON CONFLICT DO NOTHING",
                change.CancellationToken);
            if (inserted == 0)
            {
                return false;
            }

            var alert = new BudgetAlert(projectId, month.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture), spendUsd, budgetUsd, ratio);
            change.Record(AuditActions.BudgetAlert, AuditEntityTypes.Project, projectId, null, alert);
            return true;
        }, cancellationToken);
}
