using System.Diagnostics;
using Platform.Billing.Redis;

namespace Platform.Api.Tests.Billing.Redis;

[Collection(RedisTests.Name)]
public sealed class RedisReconnectTests(RedisFixture redis) : IAsyncLifetime
{
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(10);

    // A name per test so CLIENT LIST finds this client's connections and no one else's.
    private readonly string _name = "platform-test-" + Guid.NewGuid().ToString("N");
    private readonly string _prefix = RedisFixture.NewPrefix(nameof(RedisReconnectTests));
    private readonly RedisClient _admin = redis.CreateClient();
    private RedisClient _client = null!;

    public Task InitializeAsync()
    {
        _client = redis.CreateClient($",name={_name},syncTimeout=20000");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _admin.DisposeAsync();
    }

    [Fact]
    public async Task KilledConnection_InFlightCommandsFailFastThenNextCommandReconnects()
    {
        var key = _prefix + "k";
        await _client.ExecuteAsync("SET", [key, "kept"]);
        var firstId = (await _client.ExecuteAsync("CLIENT", ["ID"])).AsInt64();
        Assert.True(_client.IsConnected);

        // Blocked on the server for up to 15 s and queued behind it: both must fail as soon as the socket dies.
        var blocked = _client.ExecuteAsync("BLPOP", [_prefix + "empty", 15]);
        var queued = _client.ExecuteAsync("GET", [key]);
        await Poll.UntilAsync(async () => (await ClientIdsAsync("flags=b")).Contains(firstId), Recovery, "BLPOP to block");
        var clock = Stopwatch.StartNew();
        await _admin.ExecuteAsync("CLIENT", ["KILL", "ID", firstId]);

        await Assert.ThrowsAsync<RedisConnectionException>(() => blocked);
        await Assert.ThrowsAsync<RedisConnectionException>(() => queued);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"in-flight commands failed after {clock.Elapsed.TotalMilliseconds:F0} ms");
        Assert.False(_client.IsConnected);

        var value = await _client.ExecuteAsync("GET", [key]);
        var secondId = (await _client.ExecuteAsync("CLIENT", ["ID"])).AsInt64();
        Assert.Equal("kept", value.AsString());
        Assert.NotEqual(firstId, secondId);
        Assert.True(_client.IsConnected);
    }

    [Fact]
    public async Task KilledConnection_ManyConcurrentCallersAfterwards_AllSucceedOnOneNewConnection()
    {
        var firstId = (await _client.ExecuteAsync("CLIENT", ["ID"])).AsInt64();
        await _admin.ExecuteAsync("CLIENT", ["KILL", "ID", firstId]);
        await Poll.UntilAsync(() => !_client.IsConnected, Recovery, "the client to notice the kill");

        var ids = await Task.WhenAll(Enumerable.Range(0, 100).Select(async _ => (await _client.ExecuteAsync("CLIENT", ["ID"])).AsInt64()));

        Assert.Single(ids.Distinct());
        Assert.Single(await ClientIdsAsync("flags=N"));
    }

    [Fact]
    public async Task KilledSubscriberConnection_SubscriptionComesBack()
    {
        var channel = _prefix + "events";
        var inbox = new MessageInbox();
        await using var subscription = await _client.SubscribeAsync(channel, inbox.Handle);
        await _admin.PublishAsync(channel, "before");
        await inbox.WaitForAsync("before");
        var subscriberId = Assert.Single(await ClientIdsAsync("flags=P"));

        await _admin.ExecuteAsync("CLIENT", ["KILL", "ID", subscriberId]);

        // Messages published while it is down are lost (pub/sub has no memory), so publish until one arrives.
        var attempt = 0;
        await Poll.UntilAsync(
            async () =>
            {
                var message = $"after-{attempt++}";
                return await _admin.PublishAsync(channel, message) == 1 && await ArrivesAsync(inbox, message);
            },
            Recovery,
            "the subscription to be restored");
        Assert.NotEqual(subscriberId, Assert.Single(await ClientIdsAsync("flags=P")));
    }

    [Fact]
    public async Task ClosedPort_Connect_FailsWithConnectionExceptionQuickly()
    {
        var port = FreePort.Pick();
        await using var client = RedisFixture.CreateClient($"127.0.0.1:{port}", ",connectTimeout=1000");

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<RedisConnectionException>(() => client.ExecuteAsync("PING", []));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1.5), $"failed after {clock.Elapsed.TotalMilliseconds:F0} ms");
        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
        Assert.False(client.IsConnected);

        // Within the backoff the next attempt fails at once rather than queueing behind a dead server.
        var again = Stopwatch.StartNew();
        await Assert.ThrowsAsync<RedisConnectionException>(() => client.ExecuteAsync("PING", []));
        Assert.True(again.Elapsed < TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task SilentServer_Connect_FailsAfterConnectTimeout()
    {
        // Accepts TCP (the kernel completes the handshake) but never answers PING.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        await using var client = RedisFixture.CreateClient($"127.0.0.1:{port}", ",connectTimeout=300,syncTimeout=5000");

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<RedisConnectionException>(() => client.ExecuteAsync("PING", []));

        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(2));
        Assert.Contains("within 300 ms", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongPassword_Connect_FailsWithServersMessage()
    {
        await using var client = redis.CreateClient(",password=not-the-password");

        var error = await Assert.ThrowsAsync<RedisConnectionException>(() => client.ExecuteAsync("PING", []));

        var server = Assert.IsType<RedisServerException>(error.InnerException);
        Assert.Contains("AUTH", server.Message, StringComparison.Ordinal);
    }

    private static async Task<bool> ArrivesAsync(MessageInbox inbox, string message)
    {
        for (var i = 0; i < 50 && !inbox.Has(message); i++)
        {
            await Task.Delay(10);
        }

        return inbox.Has(message);
    }

    /// <summary>Ids of this test's client connections whose CLIENT LIST line contains <paramref name="filter"/>.</summary>
    private async Task<long[]> ClientIdsAsync(string filter)
    {
        var list = (await _admin.ExecuteAsync("CLIENT", ["LIST"])).AsString()!;
        return
        [
            .. list.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(line => line.Contains($" name={_name} ", StringComparison.Ordinal) && line.Contains(filter, StringComparison.Ordinal))
                .Select(line => long.Parse(line.Split(' ')[0]["id=".Length..], System.Globalization.CultureInfo.InvariantCulture)),
        ];
    }
}
