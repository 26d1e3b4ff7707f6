namespace Platform.Billing.Redis;

/// <summary>
/// The little of Redis that Platform needs, kept narrow so a full client package can replace ours without touching
/// callers. Commands from any number of concurrent callers share one pipelined connection; pub/sub has its own.
/// </summary>
public interface IRedisClient : IAsyncDisposable
{
    /// <summary>True while the command connection is open (it opens on the first command, and again after a loss).</summary>
    bool IsConnected { get; }

    /// <summary>
    /// Sends one command (name first word, e.g. <c>CLIENT</c> with <c>KILL ...</c> as arguments) and returns its reply.
    /// An error reply throws <see cref="RedisServerException"/>; no reply within the sync timeout throws
    /// <see cref="RedisTimeoutException"/>; a lost or unreachable server throws <see cref="RedisConnectionException"/>.
    /// </summary>
    Task<RedisValue> ExecuteAsync(string command, IReadOnlyList<RedisArg> args, CancellationToken cancellationToken = default);

    /// <summary>Runs a Lua script by its SHA1 (EVALSHA), loading it first when the server does not know it (NOSCRIPT).</summary>
    Task<RedisValue> EvalAsync(RedisScript script, IReadOnlyList<string> keys, IReadOnlyList<RedisArg> args, CancellationToken cancellationToken = default);

    /// <summary>
    /// Calls <paramref name="onMessage"/>(channel, message) for each message published to <paramref name="channel"/>,
    /// one at a time in arrival order, until the returned handle is disposed. Subscriptions survive reconnects;
    /// messages published while the subscriber connection is down are lost (that is pub/sub).
    /// </summary>
    Task<IAsyncDisposable> SubscribeAsync(string channel, Func<string, string, Task> onMessage, CancellationToken cancellationToken = default);

    /// <summary>Publishes a message and returns how many subscribers received it.</summary>
    Task<long> PublishAsync(string channel, string message, CancellationToken cancellationToken = default);
}
