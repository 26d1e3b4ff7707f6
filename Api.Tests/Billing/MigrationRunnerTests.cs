using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Platform.Api.Tests.Support;
using Platform.Billing.Migrations;
using Xunit.Abstractions;

namespace Platform.Api.Tests.Billing;

/// <summary>The start-up migrations, each test on an empty database of its own.</summary>
public sealed class MigrationRunnerTests(ITestOutputHelper output) : IAsyncLifetime
{
    private TestDatabase? _database;

    private TestDatabase Database => _database ?? throw new InvalidOperationException("The test database is not ready.");

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync("platform_migrations");

    public async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    [Fact]
    public async Task MigrateAsync_EmptyDatabase_AppliesEveryScriptInOrderAndRecordsIt()
    {
        var scripts = MigrationScripts.Embedded();

        var started = Stopwatch.GetTimestamp();
        var applied = await Runner(Database.DataSource).MigrateAsync();
        var first = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        await using (var another = await TestDatabase.CreateAsync("platform_migrations"))
        {
            started = Stopwatch.GetTimestamp();
            await Runner(another.DataSource).MigrateAsync();
            // The first figure includes what the process pays once (JIT, the first connection); the second is the SQL.
            output.WriteLine($"migrations on an empty database: {first:F0} ms, then {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms on another");
        }

        Assert.Equal(scripts.Select(s => s.Version), applied);
        Assert.Equal(Enumerable.Range(1, scripts.Count), applied);
        await using var command = Database.DataSource.CreateCommand("SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version");
        await using var reader = await command.ExecuteReaderAsync();
        foreach (var script in scripts)
        {
            Assert.True(await reader.ReadAsync());
            Assert.Equal(script.Version, reader.GetInt32(0));
            Assert.Equal(script.Name, reader.GetString(1));
            Assert.Equal(script.Checksum, reader.GetString(2));
            Assert.Matches("^[0-9a-f]{64}$", reader.GetString(2));
        }

        Assert.False(await reader.ReadAsync());
        foreach (var table in new[] { "organizations", "projects", "tiers", "api_keys", "model_prices", "audit_log" })
        {
            Assert.Equal(1L, await Database.ScalarAsync<long>($"SELECT count(*) FROM information_schema.tables WHERE table_name = '{table}'"));
        }
    }

    [Fact]
    public async Task MigrateAsync_Restart_AppliesNothingAndChangesNothing()
    {
        await Runner(Database.DataSource).MigrateAsync();
        var before = await Database.ScalarAsync<string>("SELECT string_agg(version || ':' || checksum || ':' || applied_at, ',' ORDER BY version) FROM schema_migrations");

        var again = await Runner(Database.DataSource).MigrateAsync();
        var third = await Runner(Database.DataSource).MigrateAsync();

        Assert.Empty(again);
        Assert.Empty(third);
        Assert.Equal(before, await Database.ScalarAsync<string>("SELECT string_agg(version || ':' || checksum || ':' || applied_at, ',' ORDER BY version) FROM schema_migrations"));
        Assert.Equal(6L, await Database.ScalarAsync<long>("SELECT count(*) FROM tiers"));
    }

    [Fact]
    public async Task MigrateAsync_AppliedScriptChanged_RefusesWithTheVersionAndBothChecksums()
    {
        await Runner(Database.DataSource).MigrateAsync();
        var scripts = MigrationScripts.Embedded();
        var edited = scripts.Select(s => s.Version == 1 ? s with { Sql = s.Sql + "\nCREATE TABLE sneaked_in (id int);\n" } : s).ToList();

        var refused = await Assert.ThrowsAsync<MigrationException>(() => Runner(Database.DataSource, edited).MigrateAsync());

        Assert.Contains("0001", refused.Message, StringComparison.Ordinal);
        Assert.Contains(scripts[0].Checksum, refused.Message, StringComparison.Ordinal);
        Assert.Contains(edited[0].Checksum, refused.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM information_schema.tables WHERE table_name = 'sneaked_in'"));
    }

    [Fact]
    public async Task MigrateAsync_ChecksumAlteredInHistory_Refuses()
    {
        await Runner(Database.DataSource).MigrateAsync();
        await Database.ExecuteAsync("UPDATE schema_migrations SET checksum = repeat('0', 64) WHERE version = 2");

        await Assert.ThrowsAsync<MigrationException>(() => Runner(Database.DataSource).MigrateAsync());
    }

    [Fact]
    public void Checksum_CrlfLineEndings_SameAsLf()
    {
        var script = MigrationScripts.Embedded()[0];

        var crlf = script with { Sql = script.Sql.ReplaceLineEndings("\r\n") };

        Assert.Equal(script.Checksum, crlf.Checksum);
    }

    [Fact]
    public async Task MigrateAsync_TwoRunnersRacing_EachScriptAppliedOnce()
    {
        // A slow last script keeps the first runner inside the lock long enough for the second one to be waiting.
        var scripts = MigrationScripts.Embedded()
            .Append(MigrationScript.FromFile("9999_slow.sql", "SELECT pg_sleep(0.5); CREATE TABLE race_marker (id int);"))
            .ToList();
        await using var other = NpgsqlDataSource.Create(Database.ConnectionString);

        var results = await Task.WhenAll(
            Task.Run(() => Runner(Database.DataSource, scripts).MigrateAsync()),
            Task.Run(() => Runner(other, scripts).MigrateAsync()));

        Assert.Equal(scripts.Select(s => s.Version), results.SelectMany(r => r).Order());
        Assert.Contains(results, r => r.Count == 0);
        Assert.Equal((long)scripts.Count, await Database.ScalarAsync<long>("SELECT count(*) FROM schema_migrations"));
        Assert.Equal(6L, await Database.ScalarAsync<long>("SELECT count(*) FROM tiers"));
        Assert.Equal(0L, await Database.ScalarAsync<long>($"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = {MigrationRunner.LockKey & 0xFFFFFFFF} " +
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"));
    }

    [Fact]
    public async Task MigrateAsync_FailingScript_RollsItBackAndRecordsNothing()
    {
        var scripts = MigrationScripts.Embedded()
            .Append(MigrationScript.FromFile("9999_broken.sql", "CREATE TABLE half_done (id int); SELECT 1 / 0;"))
            .ToList();

        var failed = await Assert.ThrowsAsync<MigrationException>(() => Runner(Database.DataSource, scripts).MigrateAsync());

        Assert.Contains("9999", failed.Message, StringComparison.Ordinal);
        Assert.Equal(scripts.Count - 1L, await Database.ScalarAsync<long>("SELECT count(*) FROM schema_migrations"));
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM information_schema.tables WHERE table_name = 'half_done'"));
    }

    [Fact]
    public void FromFile_NameWithoutVersion_IsRefused()
    {
        Assert.Throws<MigrationException>(() => MigrationScript.FromFile("accounts.sql", "SELECT 1"));
    }

    private static MigrationRunner Runner(NpgsqlDataSource dataSource, IReadOnlyList<MigrationScript>? scripts = null) =>
        new(dataSource, scripts ?? MigrationScripts.Embedded(), NullLogger<MigrationRunner>.Instance);
}
