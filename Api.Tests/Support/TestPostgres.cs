using Npgsql;

namespace Platform.Api.Tests.Support;

/// <summary>
/// The Postgres server of the integration tests: <c>PLATFORM_TEST_POSTGRES</c>, a server-level connection string that
/// ./test.sh sets after starting a throwaway cluster. Each test works in a database of its own. When the variable is
/// missing the tests fail, under CI and everywhere else: a suite that passes without a database has checked nothing.
/// </summary>
internal static class TestPostgres
{
    public const string Variable = "PLATFORM_TEST_POSTGRES";

    public static string ConnectionString(string database)
    {
        var server = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(server))
        {
            throw new InvalidOperationException(
                $"{Variable} is not set. Run the tests with ./test.sh, which starts a throwaway Postgres and sets it, " +
                $"or set it to a server-level connection string (Host=...;Port=...;Username=...;Password=...) of a Postgres you own.");
        }

        return new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;
    }

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
