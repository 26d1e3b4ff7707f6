using System.Runtime.CompilerServices;
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace Platform.Billing.Reports;

/// <summary>
/// Aggregates <c>usage_events</c> for the reports, pricing each event with the <c>model_prices</c> row in effect
/// at its <c>occurred_at</c> (a later price never rewrites history). Costs are summed as exact numerics in
/// Postgres: (prompt - cached) x input + cached x cached input + completion x output, per million tokens; a model
/// without a price costs 0. Rows stream from the server as they are read.
/// </summary>
public sealed class UsageReportRepository
{
    /// <summary>The endpoints whose events the completions usage report covers.</summary>
    public static readonly IReadOnlyList<string> CompletionEndpoints = ["/v1/chat/completions", "/v1/completions"];

    // Token-price products are summed exactly in Postgres (numeric multiplication and addition never round); the
    // division, which numeric may round to its chosen scale for large amounts, is done here, where it is exact.
    private const decimal PerMillion = 1_000_000m;

    private readonly NpgsqlDataSource _dataSource;

    internal UsageReportRepository(NpgsqlDataSource dataSource) => _dataSource = dataSource;

    public async IAsyncEnumerable<UsageRow> RowsAsync(UsageQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = Build(query, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new UsageRow(
                reader.GetFieldValue<DateTimeOffset>(0),
                reader.IsDBNull(1) ? null : reader.GetInt64(1),
                reader.IsDBNull(2) ? null : reader.GetInt64(2),
                reader.IsDBNull(3) ? null : reader.GetInt64(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetInt64(5),
                reader.GetInt64(6),
                reader.GetInt64(7),
                reader.GetInt64(8),
                reader.GetDecimal(9) / PerMillion,
                reader.GetDecimal(10) / PerMillion,
                reader.GetDecimal(11) / PerMillion);
        }
    }

    private static NpgsqlCommand Build(UsageQuery query, NpgsqlConnection connection)
    {
        var g = query.Grouping;
        var groups = new[]
        {
            g.Organization ? "e.organization_id" : "NULL::bigint",
            g.Project ? "e.project_id" : "NULL::bigint",
            g.ApiKey ? "e.api_key_id" : "NULL::bigint",
            g.Model ? "e.model" : "NULL::text",
        };
        var sql = new StringBuilder($"""
            WITH prices AS (
                SELECT model, input_per_million, cached_input_per_million, output_per_million, effective_from,
                       lead(effective_from, 1, 'infinity'::timestamptz) OVER (PARTITION BY model ORDER BY effective_from) AS effective_to
                FROM model_prices)
            SELECT date_bin(@width, e.occurred_at, @origin) AS bucket, {string.Join(", ", groups)},
                   count(*)::bigint,
                   coalesce(sum(e.prompt_tokens), 0)::bigint,
                   coalesce(sum(e.cached_prompt_tokens), 0)::bigint,
                   coalesce(sum(e.completion_tokens), 0)::bigint,
                   coalesce(sum((e.prompt_tokens - e.cached_prompt_tokens) * p.input_per_million), 0),
                   coalesce(sum(e.cached_prompt_tokens * p.cached_input_per_million), 0),
                   coalesce(sum(e.completion_tokens * p.output_per_million), 0)
            FROM usage_events e
            LEFT JOIN prices p ON p.model = e.model AND e.occurred_at >= p.effective_from AND e.occurred_at < p.effective_to
            WHERE e.occurred_at >= @start AND e.occurred_at < @end
            """);
        var command = new NpgsqlCommand { Connection = connection };
        command.Parameters.Add(new NpgsqlParameter("width", NpgsqlDbType.Interval) { Value = query.Width.Length });
        command.Parameters.Add(new NpgsqlParameter("origin", NpgsqlDbType.TimestampTz) { Value = query.Origin.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter("start", NpgsqlDbType.TimestampTz) { Value = query.Start.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter("end", NpgsqlDbType.TimestampTz) { Value = query.End.UtcDateTime });
        if (query.OrganizationId is { } organization)
        {
            sql.Append(" AND e.organization_id = @organization");
            command.Parameters.Add(new NpgsqlParameter("organization", NpgsqlDbType.Bigint) { Value = organization });
        }

        if (query.CompletionsOnly)
        {
            sql.Append(" AND e.endpoint = ANY(@endpoints)");
            command.Parameters.Add(new NpgsqlParameter("endpoints", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = CompletionEndpoints.ToArray() });
        }

        if (query.ProjectIds is { Count: > 0 } projects)
        {
            sql.Append(" AND e.project_id = ANY(@projects)");
            command.Parameters.Add(new NpgsqlParameter("projects", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = projects.ToArray() });
        }

        if (query.ApiKeyIds is { Count: > 0 } keys)
        {
            sql.Append(" AND e.api_key_id = ANY(@keys)");
            command.Parameters.Add(new NpgsqlParameter("keys", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = keys.ToArray() });
        }

        if (query.Models is { Count: > 0 } models)
        {
            sql.Append(" AND e.model = ANY(@models)");
            command.Parameters.Add(new NpgsqlParameter("models", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = models.ToArray() });
        }

        sql.Append(" GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2 NULLS FIRST, 3 NULLS FIRST, 4 NULLS FIRST, 5 NULLS FIRST");
        command.CommandText = sql.ToString();
        return command;
    }
}
