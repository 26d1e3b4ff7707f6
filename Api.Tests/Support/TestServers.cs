using DotNet.Testcontainers.Builders;
using Testcontainers.PostgreSql;
using Testcontainers.Redis;

namespace Platform.Api.Tests.Support;

/// <summary>
/// Where the integration tests find Postgres and Redis: the variables ./test.sh sets, or else containers that
/// Testcontainers starts (pinned images; its reaper removes them when the test process ends) when a Docker
/// engine answers, so <c>dotnet test</c> alone works on a machine with Docker. With neither the tests fail, never
/// skip, with one message naming both ways. Each server is looked for once per test process.
/// </summary>
internal static class TestServers
{
    public const string PostgresVariable = "PLATFORM_TEST_POSTGRES";
    public const string RedisVariable = "PLATFORM_TEST_REDIS";
    public const string PostgresImage = "postgres:15.10-alpine";
    public const string RedisImage = "redis:7.4.2-alpine";

    private static readonly Lazy<string> Postgres = new(() => Find(PostgresVariable, "Postgres", PostgresImage, StartPostgresAsync));
    private static readonly Lazy<string> Redis = new(() => Find(RedisVariable, "Redis", RedisImage, StartRedisAsync));

    /// <summary>A server-level Npgsql connection string.</summary>
    public static string PostgresServer => Postgres.Value;

    /// <summary><c>host:port</c>.</summary>
    public static string RedisEndpoint => Redis.Value;

    public static string NeitherMessage(string variable, string what, string image) =>
        $"No {what} for the tests: {variable} is not set and no Docker engine answered for Testcontainers. Either run " +
        $"./test.sh (it installs and starts a throwaway {what} and sets {variable}; or set {variable} to a {what} you own), " +
        $"or start a Docker engine so the tests start a {image} container themselves.";

    private static string Find(string variable, string what, string image, Func<Task<string>> startContainer)
    {
        if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } configured)
        {
            return configured;
        }

        try
        {
            return startContainer().GetAwaiter().GetResult();
        }
        catch (DockerUnavailableException ex)
        {
            throw new InvalidOperationException(NeitherMessage(variable, what, image), ex);
        }
    }

    private static async Task<string> StartPostgresAsync()
    {
        var container = new PostgreSqlBuilder(PostgresImage).Build();
        await container.StartAsync();
        return container.GetConnectionString();
    }

    private static async Task<string> StartRedisAsync()
    {
        var container = new RedisBuilder(RedisImage).Build();
        await container.StartAsync();
        return container.GetConnectionString();
    }
}
