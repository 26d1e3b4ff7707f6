using Microsoft.Extensions.Logging;

namespace Platform.Billing.Redis;

/// <summary>The Redis client's log events (41xx). Endpoints are logged, passwords never.</summary>
internal static partial class RedisLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "Redis {Role} connection to {Endpoint} open")]
    public static partial void Connected(ILogger logger, string role, string endpoint);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Redis {Role} connection to {Endpoint} lost; it reconnects on demand")]
    public static partial void ConnectionLost(ILogger logger, Exception reason, string role, string endpoint);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Redis {Role} connection to {Endpoint} failed ({Failures} in a row); next attempt in {RetryMs} ms")]
    public static partial void ConnectFailed(ILogger logger, Exception reason, string role, string endpoint, int failures, long retryMs);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "Redis subscriptions restored on {Endpoint}: {Channels} channels")]
    public static partial void SubscriptionsRestored(ILogger logger, string endpoint, int channels);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Error, Message = "A handler of Redis channel {Channel} failed; later messages are still delivered")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string channel);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Warning, Message = "Redis UNSUBSCRIBE {Channel} failed; the subscription is dropped locally")]
    public static partial void UnsubscribeFailed(ILogger logger, Exception exception, string channel);
}
