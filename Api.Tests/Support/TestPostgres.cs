using Npgsql;

namespace Platform.Api.Tests.Support;

/// <summary>
/// The Postgres server of the integration tests (<see cref="TestServers"/>: <c>PLATFORM_TEST_POSTGRES</c>, a
/// server-level connection string that ./test.sh sets, or a Testcontainers one). Each test works in a database of
/// its own. With neither the tests fail, under CI and everywhere else: a suite that passes without a database has
/// checked nothing.
/// </summary>
internal static class TestPostgres
{
    public const string Variable = TestServers.PostgresVariable;

    public static string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder(TestServers.PostgresServer) { Database = database }.ConnectionString;

    /// <summary>A database name no other test uses (Postgres allows 63 bytes).</summary>
    public static string UniqueName(string prefix) => $"{prefix}_{Guid.NewGuid():N}";

    public static async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
