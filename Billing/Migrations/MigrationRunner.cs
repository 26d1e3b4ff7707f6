using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Platform.Billing.Migrations;

/// <summary>
/// Brings the database schema up to date with the embedded SQL scripts. Applied scripts are recorded in
/// <c>schema_migrations</c> (version, name, checksum, applied_at); each pending one runs in its own transaction, in
/// version order. A session advisory lock makes replicas that start together take turns, so each script runs once.
/// An applied script whose checksum changed stops start-up: history is never rewritten, a new script is added.
/// </summary>
public sealed partial class MigrationRunner
{
    /// <summary>The advisory lock's key: "platform" in ASCII, so it is recognisable in pg_locks.</summary>
    internal const long LockKey = 0x706C6174666F726D;

    private const string CreateHistory = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    integer PRIMARY KEY,
            name       text NOT NULL,
            checksum   text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly IReadOnlyList<MigrationScript> _scripts;
    private readonly ILogger<MigrationRunner> _logger;

    internal MigrationRunner(NpgsqlDataSource dataSource, IReadOnlyList<MigrationScript> scripts, ILogger<MigrationRunner> logger)
    {
        _dataSource = dataSource;
        _scripts = scripts;
        _logger = logger;
    }

    /// <summary>Applies what is pending and returns the versions this call applied (none when up to date).</summary>
    public async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, "SELECT pg_advisory_lock($1)", cancellationToken, LockKey);
        try
        {
            await ExecuteAsync(connection, CreateHistory, cancellationToken);
            var applied = await ReadHistoryAsync(connection, cancellationToken);
            Verify(applied);

            var done = new List<int>();
            foreach (var script in _scripts.Where(s => !applied.ContainsKey(s.Version)))
            {
                await ApplyAsync(connection, script, cancellationToken);
                done.Add(script.Version);
            }

            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            LogUpToDate(_logger, _scripts.Count == 0 ? 0 : _scripts[^1].Version, done.Count, elapsed);
            return done;
        }
        finally
        {
            // Closing would release the lock too, but a pooled connection stays open; a broken one has lost it anyway.
            if (connection.FullState == System.Data.ConnectionState.Open)
            {
                await ExecuteAsync(connection, "SELECT pg_advisory_unlock($1)", CancellationToken.None, LockKey);
            }
        }
    }

    private async Task ApplyAsync(NpgsqlConnection connection, MigrationScript script, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            await using (var command = new NpgsqlCommand(script.Sql, connection, transaction))
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var record = new NpgsqlCommand(
                "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", connection, transaction))
            {
                record.Parameters.Add(new NpgsqlParameter { Value = script.Version });
                record.Parameters.Add(new NpgsqlParameter { Value = script.Name });
                record.Parameters.Add(new NpgsqlParameter { Value = script.Checksum });
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        catch (PostgresException ex)
        {
            throw new MigrationException($"Migration {script.Version:D4} ({script.Name}) failed and was rolled back: {ex.MessageText}", ex);
        }

        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        LogApplied(_logger, script.Version, script.Name, elapsed);
    }

    private void Verify(Dictionary<int, (string Name, string Checksum)> applied)
    {
        foreach (var (version, (name, checksum)) in applied.OrderBy(a => a.Key))
        {
            var script = _scripts.FirstOrDefault(s => s.Version == version);
            if (script is null)
            {
                // A newer build has migrated this database (a rolling upgrade): its scripts only add, so carry on.
                LogUnknownVersion(_logger, version, name);
            }
            else if (script.Checksum != checksum)
            {
                throw new MigrationException(
                    $"Migration {version:D4} ({name}) was applied with checksum {checksum}, but the script now has checksum " +
                    $"{script.Checksum}. Applied migrations must never change: restore the script and add a new migration.");
            }
        }
    }

    private static async Task<Dictionary<int, (string Name, string Checksum)>> ReadHistoryAsync(
        NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var applied = new Dictionary<int, (string, string)>();
        await using var command = new NpgsqlCommand("SELECT version, name, checksum FROM schema_migrations", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            applied[reader.GetInt32(0)] = (reader.GetString(1), reader.GetString(2));
        }

        return applied;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Applied migration {Version} ({Name}) in {ElapsedMs:F0} ms")]
    private static partial void LogApplied(ILogger logger, int version, string name, double elapsedMs);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Database schema at version {Version} ({Applied} applied now, {ElapsedMs:F0} ms)")]
    private static partial void LogUpToDate(ILogger logger, int version, int applied, double elapsedMs);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "The database has migration {Version} ({Name}), which this build does not know: it was migrated by a newer build")]
    private static partial void LogUnknownVersion(ILogger logger, int version, string name);
}
