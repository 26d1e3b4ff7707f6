using System.Globalization;
using Platform.Api.Coordination;
using StackExchange.Redis;

namespace Platform.Api.Auth;

/// <summary>
/// Carries key-cache invalidations between replicas over Redis pub/sub, so a key revoked on one replica is refused
/// by every other within the time a message takes (the cache TTL bounds it if Redis is away). The multiplexer
/// restores the subscription by itself after a reconnect.
/// </summary>
internal sealed partial class ApiKeyInvalidationRelay(SharedRedis redis, ApiKeyCache cache, ILogger<ApiKeyInvalidationRelay> logger) : IHostedService, IAsyncDisposable
{
    public const string Channel = "platform:api-key-invalidations";
    private static readonly RedisChannel Messages = RedisChannel.Literal(Channel);
    private ChannelMessageQueue? _subscription;
    private Task _receiving = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        cache.Invalidated += Publish;
        try
        {
            var multiplexer = await redis.GetAsync();
            _subscription = await multiplexer.GetSubscriber().SubscribeAsync(Messages);
            _receiving = ReceiveAsync(_subscription);
        }
        catch (RedisException ex)
        {
            // Start anyway: the cache's short TTL still bounds how long another replica trusts a revoked key.
            LogSubscribeFailed(logger, ex);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        cache.Invalidated -= Publish;
        if (_subscription is not null)
        {
            await _subscription.UnsubscribeAsync();
            _subscription = null;
            await _receiving;
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);

    internal static string Format(ApiKeyInvalidation what) => what switch
    {
        { KeyId: { } id } => $"key:{id.ToString(CultureInfo.InvariantCulture)}",
        { SecretHash: { } hash } => $"hash:{hash}",
        _ => "all",
    };

    internal static ApiKeyInvalidation? Parse(string message) => message switch
    {
        "all" => ApiKeyInvalidation.All,
        _ when message.StartsWith("key:", StringComparison.Ordinal) && long.TryParse(message.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out var id) => new ApiKeyInvalidation(KeyId: id),
        _ when message.StartsWith("hash:", StringComparison.Ordinal) => new ApiKeyInvalidation(SecretHash: message[5..]),
        _ => null,
    };

    // Messages one at a time, in arrival order, until the queue is unsubscribed.
    private async Task ReceiveAsync(ChannelMessageQueue queue)
    {
        await foreach (var message in queue.WithCancellation(CancellationToken.None))
        {
            if (Parse(message.Message.ToString()) is { } what)
            {
                cache.Evict(what);
            }
        }
    }

    private async void Publish(ApiKeyInvalidation what)
    {
        try
        {
            await redis.RunAsync(db => db.PublishAsync(Messages, Format(what)), CancellationToken.None);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogPublishFailed(logger, ex);
        }
    }

    [LoggerMessage(EventId = 5100, Level = LogLevel.Warning, Message = "Could not subscribe to key invalidations; other replicas' revocations reach this one within the cache TTL")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Could not broadcast a key invalidation; other replicas drop the key within the cache TTL")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception);
}
