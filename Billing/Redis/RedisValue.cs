using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Platform.Billing.Redis;

/// <summary>One RESP2 reply. The default value is <see cref="RedisValueKind.Null"/>.</summary>
public readonly struct RedisValue
{
    // string for simple strings and errors, byte[] for bulk strings, RedisValue[] for arrays.
    private readonly object? _payload;
    private readonly long _integer;

    private RedisValue(RedisValueKind kind, object? payload, long integer)
    {
        Kind = kind;
        _payload = payload;
        _integer = integer;
    }

    public RedisValueKind Kind { get; }

    public bool IsNull => Kind == RedisValueKind.Null;

    public static RedisValue Null => default;

    internal static RedisValue FromInteger(long value) => new(RedisValueKind.Integer, null, value);

    internal static RedisValue FromSimpleString(string value) => new(RedisValueKind.SimpleString, value, 0);

    internal static RedisValue FromBulkString(byte[] value) => new(RedisValueKind.BulkString, value, 0);

    internal static RedisValue FromArray(RedisValue[] items) => new(RedisValueKind.Array, items, 0);

    internal static RedisValue FromError(string message) => new(RedisValueKind.Error, message, 0);

    /// <summary>An integer reply, or a string reply holding a base-10 integer (as GET returns a counter).</summary>
    public long AsInt64() => Kind switch
    {
        RedisValueKind.Integer => _integer,
        RedisValueKind.BulkString when Utf8Parser.TryParse((byte[])_payload!, out long parsed, out var used) && used == ((byte[])_payload!).Length => parsed,
        RedisValueKind.SimpleString when long.TryParse((string)_payload!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => throw new InvalidCastException($"The Redis reply {this} is not an integer."),
    };

    /// <summary>A string reply holding a number, as INCRBYFLOAT and ZSCORE return.</summary>
    public double AsDouble() => Kind switch
    {
        RedisValueKind.Integer => _integer,
        RedisValueKind.BulkString or RedisValueKind.SimpleString
            when double.TryParse(AsString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => throw new InvalidCastException($"The Redis reply {this} is not a number."),
    };

    /// <summary>The text of a string, integer or error reply (bulk strings decoded as UTF-8); null for a null reply.</summary>
    public string? AsString() => Kind switch
    {
        RedisValueKind.Null => null,
        RedisValueKind.Integer => _integer.ToString(CultureInfo.InvariantCulture),
        RedisValueKind.SimpleString or RedisValueKind.Error => (string)_payload!,
        RedisValueKind.BulkString => Encoding.UTF8.GetString((byte[])_payload!),
        _ => throw new InvalidCastException("A Redis array reply is not a string."),
    };

    /// <summary>The raw bytes of a bulk string reply (empty for a null reply).</summary>
    public ReadOnlyMemory<byte> AsBytes() => Kind switch
    {
        RedisValueKind.Null => ReadOnlyMemory<byte>.Empty,
        RedisValueKind.BulkString => (byte[])_payload!,
        RedisValueKind.SimpleString or RedisValueKind.Error => Encoding.UTF8.GetBytes((string)_payload!),
        _ => throw new InvalidCastException($"The Redis reply {this} is not a string."),
    };

    /// <summary>The items of an array reply; a null reply (null array) reads as empty.</summary>
    public IReadOnlyList<RedisValue> AsArray() => Kind switch
    {
        RedisValueKind.Null => [],
        RedisValueKind.Array => (RedisValue[])_payload!,
        _ => throw new InvalidCastException($"The Redis reply {this} is not an array."),
    };

    /// <summary>For logs and test failures: the kind and a short rendering of the value.</summary>
    public override string ToString() => Kind switch
    {
        RedisValueKind.Null => "(nil)",
        RedisValueKind.Integer => $"(integer) {_integer}",
        RedisValueKind.Array => $"(array of {((RedisValue[])_payload!).Length})",
        RedisValueKind.Error => $"(error) {_payload}",
        _ => $"\"{AsString()}\"",
    };
}
