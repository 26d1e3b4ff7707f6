using Platform.Billing.Redis;

namespace Platform.Api.Tests.Billing.Redis;

[Collection(RedisTests.Name)]
public sealed class RedisScriptTests(RedisFixture redis) : IAsyncLifetime
{
    private static readonly RedisScript AddAndRead = new("""
        redis.call('INCRBY', KEYS[1], ARGV[1])
        return {redis.call('GET', KEYS[1]), ARGV[2]}
        """);

    private readonly RedisClient _client = redis.CreateClient();
    private readonly string _prefix = RedisFixture.NewPrefix(nameof(RedisScriptTests));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _client.DisposeAsync();

    [Fact]
    public async Task Sha1_SameAsScriptLoad()
    {
        var loaded = await _client.ExecuteAsync("SCRIPT", ["LOAD", AddAndRead.Text]);

        Assert.Equal(AddAndRead.Sha1, loaded.AsString());
    }

    [Fact]
    public async Task Eval_UnknownThenFlushed_LoadsAndRunsAgain()
    {
        var key = _prefix + "n";
        await _client.ExecuteAsync("SCRIPT", ["FLUSH"]);

        var first = await _client.EvalAsync(AddAndRead, [key], [5, "tag"]);
        var second = await _client.EvalAsync(AddAndRead, [key], [2, "tag"]);
        await _client.ExecuteAsync("SCRIPT", ["FLUSH"]);
        var exists = await _client.ExecuteAsync("SCRIPT", ["EXISTS", AddAndRead.Sha1]);
        var third = await _client.EvalAsync(AddAndRead, [key], [3, "again"]);

        Assert.Equal(5, first.AsArray()[0].AsInt64());
        Assert.Equal("tag", first.AsArray()[1].AsString());
        Assert.Equal(7, second.AsArray()[0].AsInt64());
        Assert.Equal(0, exists.AsArray()[0].AsInt64());
        Assert.Equal(10, third.AsArray()[0].AsInt64());
        Assert.Equal("again", third.AsArray()[1].AsString());
    }

    [Fact]
    public async Task Eval_ManyConcurrentAfterFlush_AllSucceed()
    {
        var key = _prefix + "burst";
        await _client.ExecuteAsync("SCRIPT", ["FLUSH"]);

        var replies = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => _client.EvalAsync(AddAndRead, [key], [1, "x"])));

        Assert.Equal(200, replies.Max(r => r.AsArray()[0].AsInt64()));
    }

    [Fact]
    public async Task Eval_ScriptError_ThrowsServerException()
    {
        var failing = new RedisScript("return redis.call('INCR', KEYS[1])");
        var key = _prefix + "text";
        await _client.ExecuteAsync("SET", [key, "abc"]);

        var error = await Assert.ThrowsAsync<RedisServerException>(() => _client.EvalAsync(failing, [key], []));

        Assert.Contains("not an integer", error.Message, StringComparison.Ordinal);
    }
}
