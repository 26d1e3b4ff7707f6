using System.Diagnostics;
using Platform.Billing.Redis;

namespace Platform.Api.Tests.Billing.Redis;

// In the Redis collection so it runs alone (timing) and, like the others, fails when ./test.sh did not set Redis up.
[Collection(RedisTests.Name)]
public sealed class RedisServerRestartTests
{
    private readonly string _prefix = RedisFixture.NewPrefix(nameof(RedisServerRestartTests));

    [Fact]
    public async Task ServerRestart_CommandsFailWhileDownThenRecoverWithSubscriptionsAndScripts()
    {
        await using var server = new OwnRedisServer();
        await server.StartAsync();
        await using var client = RedisFixture.CreateClient(server.Endpoint, ",connectTimeout=1000,syncTimeout=20000");
        var script = new RedisScript("return redis.call('INCR', KEYS[1])");
        var channel = _prefix + "events";
        var inbox = new MessageInbox();
        await using var subscription = await client.SubscribeAsync(channel, inbox.Handle);
        Assert.Equal(1, (await client.EvalAsync(script, [_prefix + "n"], [])).AsInt64());

        var blocked = client.ExecuteAsync("BLPOP", [_prefix + "empty", 15]);
        var clock = Stopwatch.StartNew();
        await server.KillAsync();

        await Assert.ThrowsAsync<RedisConnectionException>(() => blocked);
        await Assert.ThrowsAsync<RedisConnectionException>(() => client.ExecuteAsync("PING", []));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"commands failed after {clock.Elapsed.TotalMilliseconds:F0} ms");
        Assert.False(client.IsConnected);

        await server.StartAsync();
        await Poll.UntilAsync(
            async () =>
            {
                try
                {
                    return (await client.ExecuteAsync("PING", [])).AsString() == "PONG";
                }
                catch (RedisConnectionException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(15),
            "the client to reconnect to the restarted server");

        // The restarted server has no data and no scripts: EVALSHA meets NOSCRIPT and loads the script again.
        Assert.Equal(1, (await client.EvalAsync(script, [_prefix + "n"], [])).AsInt64());
        var attempt = 0;
        await Poll.UntilAsync(
            async () =>
            {
                var message = $"after-{attempt++}";
                await client.PublishAsync(channel, message);
                await Task.Delay(20);
                return inbox.Has(message);
            },
            TimeSpan.FromSeconds(15),
            "the subscription to come back after the restart");
        Assert.True(client.IsConnected);
    }
}
