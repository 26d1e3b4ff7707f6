namespace Platform.Billing.Redis;

/// <summary>The server could not be reached, or the connection was lost before the reply came.</summary>
public sealed class RedisConnectionException : RedisException
{
    public RedisConnectionException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
