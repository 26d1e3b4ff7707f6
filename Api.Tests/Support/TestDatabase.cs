using Npgsql;

namespace Platform.Api.Tests.Support;

/// <summary>A database made for one test (empty, or copied from a template) and dropped after it.</summary>
internal sealed class TestDatabase : IAsyncDisposable
{
    private TestDatabase(string name)
    {
        Name = name;
        ConnectionString = TestPostgres.ConnectionString(name);
        DataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    public static async Task<TestDatabase> CreateAsync(string prefix = "platform_test", string? template = null)
    {
        var name = TestPostgres.UniqueName(prefix);
        await TestPostgres.ExecuteAsync(template is null ? $"CREATE DATABASE \"{name}\"" : $"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"");
        return new TestDatabase(name);
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Closes this database's pooled connections (a template must have none) without dropping it.</summary>
    public ValueTask CloseConnectionsAsync() => DataSource.DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await TestPostgres.ExecuteAsync($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)");
    }
}
