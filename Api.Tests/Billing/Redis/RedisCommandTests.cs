using Platform.Billing.Redis;

namespace Platform.Api.Tests.Billing.Redis;

[Collection(RedisTests.Name)]
public sealed class RedisCommandTests(RedisFixture redis) : IAsyncLifetime
{
    private readonly RedisClient _client = redis.CreateClient();
    private readonly string _prefix = RedisFixture.NewPrefix(nameof(RedisCommandTests));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _client.DisposeAsync();

    [Fact]
    public async Task SetThenGet_String_RoundTripsWithReplyTypes()
    {
        var key = _prefix + "greeting";

        var set = await _client.ExecuteAsync("SET", [key, "héllo wörld"]);
        var get = await _client.ExecuteAsync("GET", [key]);

        Assert.Equal(RedisValueKind.SimpleString, set.Kind);
        Assert.Equal("OK", set.AsString());
        Assert.Equal(RedisValueKind.BulkString, get.Kind);
        Assert.Equal("héllo wörld", get.AsString());
        Assert.True(_client.IsConnected);
    }

    [Fact]
    public async Task Get_MissingKey_ReturnsNull()
    {
        var value = await _client.ExecuteAsync("GET", [_prefix + "missing"]);

        Assert.True(value.IsNull);
        Assert.Null(value.AsString());
    }

    [Fact]
    public async Task Set_BinaryValue_RoundTripsBytes()
    {
        var key = _prefix + "binary";
        var bytes = new byte[] { 0, 13, 10, 255, 36, 42 };

        await _client.ExecuteAsync("SET", [key, bytes]);
        var value = await _client.ExecuteAsync("GET", [key]);

        Assert.Equal(bytes, value.AsBytes().ToArray());
    }

    [Fact]
    public async Task IncrAndIncrByFloat_Counter_ReturnsNumbers()
    {
        var key = _prefix + "counter";

        var first = await _client.ExecuteAsync("INCR", [key]);
        var second = await _client.ExecuteAsync("INCRBY", [key, 41L]);
        var asText = await _client.ExecuteAsync("GET", [key]);
        var floating = await _client.ExecuteAsync("INCRBYFLOAT", [_prefix + "float", 1.25]);

        Assert.Equal(RedisValueKind.Integer, first.Kind);
        Assert.Equal(1, first.AsInt64());
        Assert.Equal(42, second.AsInt64());
        Assert.Equal(42, asText.AsInt64());
        Assert.Equal(1.25, floating.AsDouble());
    }

    [Fact]
    public async Task Expire_KeyWithTtl_ReportsTtlAndDisappears()
    {
        var key = _prefix + "expiring";
        await _client.ExecuteAsync("SET", [key, "v"]);

        var expire = await _client.ExecuteAsync("EXPIRE", [key, 100]);
        var ttl = await _client.ExecuteAsync("TTL", [key]);
        await _client.ExecuteAsync("PEXPIRE", [key, 30]);

        Assert.Equal(1, expire.AsInt64());
        Assert.InRange(ttl.AsInt64(), 1, 100);
        await Poll.UntilAsync(async () => (await _client.ExecuteAsync("EXISTS", [key])).AsInt64() == 0, TimeSpan.FromSeconds(3), "the key to expire");
    }

    [Fact]
    public async Task Del_TwoKeysOneMissing_ReturnsCountDeleted()
    {
        await _client.ExecuteAsync("SET", [_prefix + "a", "1"]);

        var deleted = await _client.ExecuteAsync("DEL", [_prefix + "a", _prefix + "never"]);
        var after = await _client.ExecuteAsync("GET", [_prefix + "a"]);

        Assert.Equal(1, deleted.AsInt64());
        Assert.True(after.IsNull);
    }

    [Fact]
    public async Task Lrange_List_ReturnsArrayOfBulkStrings()
    {
        var key = _prefix + "list";
        await _client.ExecuteAsync("RPUSH", [key, "a", "b", "c"]);

        var all = await _client.ExecuteAsync("LRANGE", [key, 0, -1]);
        var none = await _client.ExecuteAsync("LRANGE", [_prefix + "empty", 0, -1]);

        Assert.Equal(RedisValueKind.Array, all.Kind);
        Assert.Equal(["a", "b", "c"], all.AsArray().Select(v => v.AsString()));
        Assert.Equal(RedisValueKind.Array, none.Kind);
        Assert.Empty(none.AsArray());
    }

    [Fact]
    public async Task Incr_NotANumber_ThrowsWithRedisMessage()
    {
        var key = _prefix + "text";
        await _client.ExecuteAsync("SET", [key, "abc"]);

        var error = await Assert.ThrowsAsync<RedisServerException>(() => _client.ExecuteAsync("INCR", [key]));

        Assert.Equal("ERR value is not an integer or out of range", error.Message);
        Assert.Equal("ERR", error.ErrorCode);
    }

    [Fact]
    public async Task Get_OnList_ThrowsWrongType()
    {
        var key = _prefix + "list";
        await _client.ExecuteAsync("RPUSH", [key, "a"]);

        var error = await Assert.ThrowsAsync<RedisServerException>(() => _client.ExecuteAsync("GET", [key]));

        Assert.Equal("WRONGTYPE", error.ErrorCode);
        Assert.StartsWith("WRONGTYPE Operation against a key holding the wrong kind of value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownCommand_AfterError_ConnectionKeepsWorking()
    {
        var error = await Assert.ThrowsAsync<RedisServerException>(() => _client.ExecuteAsync("NOSUCHCOMMAND", ["x"]));
        var pong = await _client.ExecuteAsync("PING", []);

        Assert.StartsWith("ERR unknown command", error.Message, StringComparison.Ordinal);
        Assert.Equal("PONG", pong.AsString());
    }

    [Fact]
    public async Task Eval_NestedReply_KeepsArraysStatusesAndErrors()
    {
        var value = await _client.ExecuteAsync(
            "EVAL", ["return {1, {2, 'x'}, redis.status_reply('FINE'), redis.error_reply('NOPE inner')}", 0]);

        var items = value.AsArray();
        Assert.Equal(1, items[0].AsInt64());
        Assert.Equal(2, items[1].AsArray()[0].AsInt64());
        Assert.Equal("x", items[1].AsArray()[1].AsString());
        Assert.Equal(RedisValueKind.SimpleString, items[2].Kind);
        Assert.Equal("FINE", items[2].AsString());
        Assert.Equal(RedisValueKind.Error, items[3].Kind);
        Assert.Equal("NOPE inner", items[3].AsString());
    }

    [Fact]
    public async Task DefaultDatabaseAndName_FromConnectionString_AreApplied()
    {
        var name = "platform-test-" + Guid.NewGuid().ToString("N");
        await using var client = redis.CreateClient($",defaultDatabase=2,name={name}");

        var database = await client.ExecuteAsync("CLIENT", ["INFO"]);
        var clientName = await client.ExecuteAsync("CLIENT", ["GETNAME"]);

        Assert.Contains(" db=2 ", database.AsString(), StringComparison.Ordinal);
        Assert.Equal(name, clientName.AsString());
    }
}
