using System.Diagnostics;
using Platform.Billing.Redis;

namespace Platform.Api.Tests.Billing.Redis;

[Collection(RedisTests.Name)]
public sealed class RedisTimeoutTests(RedisFixture redis) : IAsyncLifetime
{
    private static readonly TimeSpan SyncTimeout = TimeSpan.FromMilliseconds(200);

    private readonly RedisClient _client = redis.CreateClient($",syncTimeout={SyncTimeout.TotalMilliseconds}");
    private readonly string _prefix = RedisFixture.NewPrefix(nameof(RedisTimeoutTests));

    // Connected and warmed up first, so a cold start (JIT, an idle thread pool) is not taken for a slow server.
    public Task InitializeAsync() => Poll.UntilAsync(
        async () =>
        {
            try
            {
                return (await _client.ExecuteAsync("PING", [])).AsString() == "PONG";
            }
            catch (RedisTimeoutException)
            {
                return false;
            }
        },
        TimeSpan.FromSeconds(10),
        "a first PING");

    public async Task DisposeAsync() => await _client.DisposeAsync();

    [Fact]
    public async Task BlockedCommand_PastSyncTimeout_ThrowsTimeoutAndLaterRepliesStayMatched()
    {
        await using var admin = redis.CreateClient();
        var key = _prefix + "k";
        var list = _prefix + "list";
        await _client.ExecuteAsync("SET", [key, "expected"]);

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<RedisTimeoutException>(() => _client.ExecuteAsync("BLPOP", [list, 10]));
        var waited = clock.Elapsed;

        // The abandoned BLPOP still gets its reply ([list, "late"]) once another client pushes; it must be dropped,
        // not handed to the GET queued behind it.
        var get = _client.ExecuteAsync("GET", [key]);
        await admin.ExecuteAsync("RPUSH", [list, "late"]);

        Assert.Equal("expected", (await get).AsString());
        Assert.InRange(waited, SyncTimeout * 0.9, SyncTimeout * 5);
        Assert.Contains("BLPOP", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, (await admin.ExecuteAsync("LLEN", [list])).AsInt64());
        Assert.True(_client.IsConnected);
    }

    [Fact]
    public async Task PausedServer_PastSyncTimeout_ThrowsTimeoutThenRecovers()
    {
        await using var admin = redis.CreateClient();
        var key = _prefix + "paused";

        await admin.ExecuteAsync("CLIENT", ["PAUSE", 500, "ALL"]);
        await Assert.ThrowsAsync<RedisTimeoutException>(() => _client.ExecuteAsync("SET", [key, "during"]));

        await Poll.UntilAsync(
            async () =>
            {
                try
                {
                    return (await _client.ExecuteAsync("PING", [])).AsString() == "PONG";
                }
                catch (RedisTimeoutException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(5),
            "the pause to end");
        Assert.Equal("during", (await _client.ExecuteAsync("GET", [key])).AsString());
    }

    [Fact]
    public async Task Cancellation_BeforeReply_ThrowsCanceledAndConnectionKeepsWorking()
    {
        // The default sync timeout: the PING waits behind the cancelled BLPOP, which still holds the connection.
        await using var client = redis.CreateClient();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.ExecuteAsync("BLPOP", [_prefix + "none", 0.3], cancel.Token));
        var pong = await client.ExecuteAsync("PING", []);

        Assert.Equal("PONG", pong.AsString());
    }
}
