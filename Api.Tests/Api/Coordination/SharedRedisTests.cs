using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Platform.Api.Coordination;
using Platform.Api.Tests.Support;
using StackExchange.Redis;

namespace Platform.Api.Tests.Api.Coordination;

// In the Redis collection so it runs alone (it kills its own server) and fails when ./test.sh did not set Redis up.
[Collection(RedisTests.Name)]
public sealed class SharedRedisTests
{
    private static readonly LuaScript Increment = LuaScript.Prepare("return redis.call('INCR', @key)");
    private readonly string _prefix = RedisFixture.NewPrefix(nameof(SharedRedisTests));

    [Fact]
    public async Task ServerKilledAndRestarted_CallsFailFastThenRecoverWithScriptsAndSubscriptions()
    {
        await using var server = new OwnRedisServer();
        await server.StartAsync();
        await using var redis = RedisFixture.Connect(server.Endpoint, ",connectTimeout=1000", failFastMs: 50);
        var channel = RedisChannel.Literal(_prefix + "events");
        var received = new ConcurrentQueue<string>();
        var multiplexer = await redis.GetAsync();
        await multiplexer.GetSubscriber().SubscribeAsync(channel, (_, message) => received.Enqueue(message.ToString()));
        Assert.Equal(1, (long)await redis.RunAsync(db => Increment.EvaluateAsync(db, new { key = (RedisKey)(_prefix + "n") }), CancellationToken.None));

        await server.KillAsync();
        await Poll.UntilAsync(() => !redis.IsConnected, TimeSpan.FromSeconds(10), "the multiplexer to notice the dead server");

        // Without the fail-fast path each call waited for the client's timeouts: 2.6-2.9 s here.
        var clock = Stopwatch.StartNew();
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => redis.RunAsync(db => db.PingAsync(), CancellationToken.None));
        Assert.True(failure is RedisException or TimeoutException, failure.ToString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"a call on a dead server took {clock.Elapsed.TotalMilliseconds:F0} ms");

        await server.StartAsync();
        await Poll.UntilAsync(() => redis.IsConnected, TimeSpan.FromSeconds(20), "the multiplexer to reconnect to the restarted server");

        // The restarted server has no data and no scripts: the script is loaded again after NOSCRIPT.
        Assert.Equal(1, (long)await redis.RunAsync(db => Increment.EvaluateAsync(db, new { key = (RedisKey)(_prefix + "n") }), CancellationToken.None));
        var attempt = 0;
        await Poll.UntilAsync(
            async () =>
            {
                var message = $"after-{attempt++}";
                await redis.RunAsync(db => db.PublishAsync(channel, message), CancellationToken.None);
                await Task.Delay(20);
                return received.Contains(message);
            },
            TimeSpan.FromSeconds(15),
            "the subscription to come back after the restart");
    }

    [Fact]
    public async Task AddSharedRedis_SameServiceEverywhere_AndAConfigurationStringIsValidatedAtStart()
    {
        await using var services = Services("127.0.0.1:1,abortConnect=false,connectTimeout=200", failFastMs: "50");
        Assert.Same(services.GetRequiredService<SharedRedis>(), services.GetRequiredService<SharedRedis>());
        Assert.Equal(50, services.GetRequiredService<IOptions<RedisOptions>>().Value.FailFastMs);

        await using var bad = Services("127.0.0.1:6379,connectTimeout=soon", failFastMs: "50");
        var error = Assert.Throws<OptionsValidationException>(() => bad.GetRequiredService<IOptions<RedisOptions>>().Value);
        Assert.Contains("Redis:Configuration", error.Message, StringComparison.Ordinal);

        await using var negative = Services("127.0.0.1:6379", failFastMs: "0");
        Assert.Throws<OptionsValidationException>(() => negative.GetRequiredService<IOptions<RedisOptions>>().Value);
    }

    private static ServiceProvider Services(string configuration, string failFastMs) => new ServiceCollection()
        .AddLogging()
        .AddSharedRedis(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Redis:Configuration"] = configuration,
            ["Redis:FailFastMs"] = failFastMs,
        }).Build())
        .BuildServiceProvider();
}
