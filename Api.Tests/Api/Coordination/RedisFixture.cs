using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Api.Coordination;

namespace Platform.Api.Tests.Api.Coordination;

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

    /// <summary>A connection of its own to the test server, as one replica has; <paramref name="options"/> is appended, e.g. ",syncTimeout=200".</summary>
    internal SharedRedis Connect(string options = "", int failFastMs = 2_000) => Connect(Endpoint, options, failFastMs);

    // The default fail-fast time suits a served request; a busy test machine must not turn a slow reply into a fallback.
    internal static SharedRedis Connect(string endpoint, string options = "", int failFastMs = 2_000) =>
        new(Options.Create(new RedisOptions { Configuration = endpoint + options, FailFastMs = failFastMs }), NullLoggerFactory.Instance);

    /// <summary>Keys and channels of one test start with this, so tests never see each other's data.</summary>
    public static string NewPrefix(string test) => $"platform-test:{test}:{Guid.NewGuid():N}:";
}

/// <summary>The Redis tests run one after another: some pause, block or kill connections on the shared server.</summary>
[CollectionDefinition(Name)]
public sealed class RedisTests : ICollectionFixture<RedisFixture>
{
    public const string Name = "Redis";
}
