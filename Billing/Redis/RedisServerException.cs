namespace Platform.Billing.Redis;

/// <summary>The server answered with an error reply; <see cref="Exception.Message"/> is Redis's own text.</summary>
public sealed class RedisServerException : RedisException
{
    public RedisServerException(string message)
        : base(message)
    {
        var space = message.IndexOf(' ', StringComparison.Ordinal);
        ErrorCode = space < 0 ? message : message[..space];
    }

    /// <summary>The error's first word, e.g. <c>ERR</c>, <c>WRONGTYPE</c>, <c>NOSCRIPT</c>.</summary>
    public string ErrorCode { get; }
}
