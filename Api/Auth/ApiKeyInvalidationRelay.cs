using System.Globalization;
using Platform.Billing.Redis;

namespace Platform.Api.Auth;

/// <summary>
/// Carries key-cache invalidations between replicas over Redis pub/sub, so a key revoked on one replica is refused
/// by every other within the time a message takes (the cache TTL bounds it if Redis is away).
/// </summary>
internal sealed partial class ApiKeyInvalidationRelay(IRedisClient redis, ApiKeyCache cache, ILogger<ApiKeyInvalidationRelay> logger) : IHostedService, IAsyncDisposable
{
    public const string Channel = "platform:api-key-invalidations";
    private IAsyncDisposable? _subscription;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        cache.Invalidated += Publish;
        try
        {
            _subscription = await redis.SubscribeAsync(Channel, (_, message) =>
            {
                if (Parse(message) is { } what)
                {
                    cache.Evict(what);
                }

                return Task.CompletedTask;
            }, cancellationToken);
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
            await _subscription.DisposeAsync();
            _subscription = null;
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

    private async void Publish(ApiKeyInvalidation what)
    {
        try
        {
            await redis.PublishAsync(Channel, Format(what));
        }
        catch (RedisException ex)
        {
            LogPublishFailed(logger, ex);
        }
    }

    [LoggerMessage(EventId = 5100, Level = LogLevel.Warning, Message = "Could not subscribe to key invalidations; other replicas' revocations reach this one within the cache TTL")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Could not broadcast a key invalidation; other replicas drop the key within the cache TTL")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception);
}
