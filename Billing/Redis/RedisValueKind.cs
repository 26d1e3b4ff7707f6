using System.Diagnostics.CodeAnalysis;

namespace Platform.Billing.Redis;

/// <summary>The RESP2 reply types. <see cref="Null"/> is both the null bulk string and the null array.</summary>
public enum RedisValueKind
{
    Null,
    [SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "RESP's own name for the reply type.")]
    Integer,
    SimpleString,
    BulkString,
    Array,

    /// <summary>Only inside arrays (e.g. EXEC results): a top-level error reply throws <see cref="RedisServerException"/>.</summary>
    Error,
}
