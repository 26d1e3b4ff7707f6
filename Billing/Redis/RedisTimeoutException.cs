namespace Platform.Billing.Redis;

/// <summary>No reply within the sync timeout. The connection stays open: the late reply is read and dropped.</summary>
public sealed class RedisTimeoutException : RedisException
{
    public RedisTimeoutException(string message)
        : base(message)
    {
    }
}
