namespace Platform.Billing.Redis;

/// <summary>The bytes received are not RESP; the connection is dropped, as nothing after them can be trusted.</summary>
internal sealed class RedisProtocolException : RedisException
{
    public RedisProtocolException(string message)
        : base(message)
    {
    }
}
