using Npgsql;
using NpgsqlTypes;

namespace Platform.Billing.Metering;

/// <summary>
/// Writes batches of events to <c>usage_events</c>: binary <c>COPY</c> into a temporary staging table, then one
/// <c>INSERT ... ON CONFLICT DO NOTHING</c> into the partitioned table, in one transaction, so writing a batch twice
/// (a replay after a crash, or a batch whose commit reply was lost) stores each event once. The commit is
/// synchronous (durable before it is acknowledged). Months without a partition get one first.
/// </summary>
internal sealed class UsageEventStore(NpgsqlDataSource dataSource) : IDisposable
{
    private const string Columns =
        "event_id, occurred_at, request_id, organization_id, project_id, api_key_id, model, endpoint, status_code, prompt_tokens, " +
        "cached_prompt_tokens, completion_tokens, time_to_first_token_us, duration_us, finish_reason, moderation_flagged, streamed, cancelled, client_request_id";

    // Only the writer's loop touches it.
    private readonly HashSet<DateTime> _months = [];

    /// <summary>Writes the batch; returns how many events were new (the rest were already stored).</summary>
    public async Task<int> WriteAsync(IReadOnlyList<UsageEvent> batch, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await EnsurePartitionsAsync(connection, batch, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // A committed batch is forgotten by the writer, so its commit must be durable whatever the server's default:
        // with synchronous_commit off, a crash loses the last acknowledged commits (seen in the outage test).
        await using (var create = new NpgsqlCommand(
            "SET LOCAL synchronous_commit TO on; CREATE TEMP TABLE IF NOT EXISTS usage_events_staging (LIKE usage_events INCLUDING DEFAULTS) ON COMMIT DELETE ROWS",
            connection,
            transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var copy = await connection.BeginBinaryImportAsync($"COPY usage_events_staging ({Columns}) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var e in batch)
            {
                await WriteRowAsync(copy, e, cancellationToken);
            }

            await copy.CompleteAsync(cancellationToken);
        }

        int inserted;
        await using (var insert = new NpgsqlCommand(
            $"INSERT INTO usage_events ({Columns}) SELECT {Columns} FROM usage_events_staging ON CONFLICT (event_id, occurred_at) DO NOTHING",
            connection,
            transaction))
        {
            inserted = await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return inserted;
    }

    public void Dispose() => dataSource.Dispose();

    /// <summary>Drops pooled connections, which a Postgres restart has broken.</summary>
    public void ClearPool() => dataSource.Clear();

    private async Task EnsurePartitionsAsync(NpgsqlConnection connection, IReadOnlyList<UsageEvent> batch, CancellationToken cancellationToken)
    {
        foreach (var month in batch.Select(e => MonthOf(e.OccurredAt)).Distinct())
        {
            if (_months.Contains(month))
            {
                continue;
            }

            await using var command = new NpgsqlCommand("SELECT usage_events_ensure_partitions($1, 1)", connection);
            command.Parameters.AddWithValue(new DateTimeOffset(month, TimeSpan.Zero));
            await command.ExecuteNonQueryAsync(cancellationToken);
            _months.Add(month);
        }
    }

    private static DateTime MonthOf(DateTimeOffset at) => new(at.UtcDateTime.Year, at.UtcDateTime.Month, 1, 0, 0, 0, DateTimeKind.Utc);

    private static async Task WriteRowAsync(NpgsqlBinaryImporter copy, UsageEvent e, CancellationToken cancellationToken)
    {
        await copy.StartRowAsync(cancellationToken);
        await copy.WriteAsync(e.EventId, NpgsqlDbType.Uuid, cancellationToken);
        await copy.WriteAsync(e.OccurredAt.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
        await copy.WriteAsync(e.RequestId, NpgsqlDbType.Text, cancellationToken);
        await WriteNullableAsync(copy, e.OrganizationId, cancellationToken);
        await WriteNullableAsync(copy, e.ProjectId, cancellationToken);
        await WriteNullableAsync(copy, e.ApiKeyId, cancellationToken);
        await WriteNullableAsync(copy, e.Model, cancellationToken);
        await copy.WriteAsync(e.Endpoint, NpgsqlDbType.Text, cancellationToken);
        await copy.WriteAsync((short)e.StatusCode, NpgsqlDbType.Smallint, cancellationToken);
        await copy.WriteAsync(e.PromptTokens, NpgsqlDbType.Integer, cancellationToken);
        await copy.WriteAsync(e.CachedPromptTokens, NpgsqlDbType.Integer, cancellationToken);
        await copy.WriteAsync(e.CompletionTokens, NpgsqlDbType.Integer, cancellationToken);
        await WriteNullableAsync(copy, e.TimeToFirstToken is { } t ? t.Ticks / TimeSpan.TicksPerMicrosecond : null, cancellationToken);
        await copy.WriteAsync(e.Duration.Ticks / TimeSpan.TicksPerMicrosecond, NpgsqlDbType.Bigint, cancellationToken);
        await WriteNullableAsync(copy, e.FinishReason, cancellationToken);
        await copy.WriteAsync(e.ModerationFlagged, NpgsqlDbType.Boolean, cancellationToken);
        await copy.WriteAsync(e.Streamed, NpgsqlDbType.Boolean, cancellationToken);
        await copy.WriteAsync(e.Cancelled, NpgsqlDbType.Boolean, cancellationToken);
        await WriteNullableAsync(copy, e.ClientRequestId, cancellationToken);
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter copy, long? value, CancellationToken cancellationToken) =>
        value is { } v ? copy.WriteAsync(v, NpgsqlDbType.Bigint, cancellationToken) : copy.WriteNullAsync(cancellationToken);

    private static Task WriteNullableAsync(NpgsqlBinaryImporter copy, string? value, CancellationToken cancellationToken) =>
        value is not null ? copy.WriteAsync(value, NpgsqlDbType.Text, cancellationToken) : copy.WriteNullAsync(cancellationToken);
}
