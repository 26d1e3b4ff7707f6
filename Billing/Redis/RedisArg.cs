using System.Globalization;
using System.Text;

namespace Platform.Billing.Redis;

/// <summary>One command argument: text (sent as UTF-8), an integer, a double, or raw bytes. Converts implicitly.</summary>
public readonly struct RedisArg
{
    private readonly string? _text;
    private readonly ReadOnlyMemory<byte> _bytes;
    private readonly long _integer;
    private readonly double _number;
    private readonly Form _form;

    private RedisArg(Form form, string? text = null, ReadOnlyMemory<byte> bytes = default, long integer = 0, double number = 0)
    {
        _form = form;
        _text = text;
        _bytes = bytes;
        _integer = integer;
        _number = number;
    }

    private enum Form
    {
        Text,
        Integer,
        Number,
        Bytes,
    }

    public static RedisArg FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new RedisArg(Form.Text, text: value);
    }

    public static RedisArg FromInt64(long value) => new(Form.Integer, integer: value);

    /// <summary>Infinities are sent as Redis spells them (<c>inf</c>, <c>-inf</c>); NaN has no Redis meaning.</summary>
    public static RedisArg FromDouble(double value) =>
        double.IsNaN(value) ? throw new ArgumentOutOfRangeException(nameof(value), "Redis has no NaN.") : new(Form.Number, number: value);

    public static RedisArg FromBytes(ReadOnlyMemory<byte> value) => new(Form.Bytes, bytes: value);

    public static implicit operator RedisArg(string value) => FromString(value);

    public static implicit operator RedisArg(long value) => FromInt64(value);

    public static implicit operator RedisArg(int value) => FromInt64(value);

    public static implicit operator RedisArg(double value) => FromDouble(value);

    public static implicit operator RedisArg(byte[] value) => FromBytes(value ?? throw new ArgumentNullException(nameof(value)));

    public static implicit operator RedisArg(ReadOnlyMemory<byte> value) => FromBytes(value);

    /// <summary>Writes the argument as one RESP bulk string.</summary>
    internal void WriteTo(RespWriter writer)
    {
        switch (_form)
        {
            case Form.Integer:
                writer.WriteBulk(_integer);
                break;
            case Form.Number:
                writer.WriteBulk(_number);
                break;
            case Form.Bytes:
                writer.WriteBulk(_bytes.Span);
                break;
            default:
                writer.WriteBulk(_text ?? "");
                break;
        }
    }

    public override string ToString() => _form switch
    {
        Form.Integer => _integer.ToString(CultureInfo.InvariantCulture),
        Form.Number => _number.ToString("R", CultureInfo.InvariantCulture),
        Form.Bytes => Encoding.UTF8.GetString(_bytes.Span),
        _ => _text ?? "",
    };
}
