using Microsoft.Extensions.Logging.Abstractions;
using Platform.Billing.Redis;

namespace Platform.Api.Tests.Billing.Redis;

/// <summary>
/// The real Redis that ./test.sh starts (PLATFORM_TEST_REDIS=host:port). Without it every Redis test fails, never
/// skips: a suite that passes without the server it tests proves nothing.
/// </summary>
public sealed class RedisFixture
{
    public const string EnvironmentVariable = "PLATFORM_TEST_REDIS";

    public RedisFixture()
    {
        var endpoint = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            throw new InvalidOperationException(
                string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
                    ? $"{EnvironmentVariable} is not set under CI: the CI script must run ./test.sh, which starts a throwaway redis-server."
                    : $"{EnvironmentVariable} is not set: run ./test.sh (it installs and starts a throwaway redis-server), or start one and set {EnvironmentVariable}=127.0.0.1:<port>.");
        }

        Endpoint = endpoint;
    }

    public string Endpoint { get; }

    /// <summary>A client of the test server; <paramref name="options"/> is appended, e.g. ",syncTimeout=200".</summary>
    internal RedisClient CreateClient(string options = "") => CreateClient(Endpoint, options);

    internal static RedisClient CreateClient(string endpoint, string options = "") =>
        new(RedisConfiguration.Parse(endpoint + options), TimeProvider.System, NullLogger<RedisClient>.Instance);

    /// <summary>Keys and channels of one test start with this, so tests never see each other's data.</summary>
    public static string NewPrefix(string test) => $"platform-test:{test}:{Guid.NewGuid():N}:";
}

/// <summary>The Redis tests run one after another: some pause, block or kill connections on the shared server.</summary>
[CollectionDefinition(Name)]
public sealed class RedisTests : ICollectionFixture<RedisFixture>
{
    public const string Name = "Redis";
}
