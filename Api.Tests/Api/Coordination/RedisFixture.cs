using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Api.Coordination;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Api.Coordination;

/// <summary>
/// The real Redis of the tests (<see cref="TestServers"/>: PLATFORM_TEST_REDIS=host:port from ./test.sh, or a
/// Testcontainers one). With neither every Redis test fails, never skips: a suite that passes without the server
/// it tests proves nothing.
/// </summary>
public sealed class RedisFixture
{
    public string Endpoint { get; } = TestServers.RedisEndpoint;

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
