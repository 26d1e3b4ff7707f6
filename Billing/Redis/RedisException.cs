namespace Platform.Billing.Redis;

/// <summary>The base of every failure our Redis client reports, so callers can catch Redis trouble in one place.</summary>
public abstract class RedisException : Exception
{
    protected RedisException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
