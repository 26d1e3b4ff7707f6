using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Platform.Billing.Redis;

/// <summary>
/// Encodes commands as RESP arrays of bulk strings straight into the connection's pipe, without intermediate strings
/// or arrays: <c>*&lt;n&gt;\r\n</c> then <c>$&lt;len&gt;\r\n&lt;bytes&gt;\r\n</c> per argument.
/// </summary>
internal readonly ref struct RespWriter
{
    // Longest header: '$' or '*', 20 digits of a negative long, CRLF.
    private const int MaxHeaderLength = 23;

    // Longest "R" rendering of a double is 24 characters (e.g. -1.7976931348623157E+308).
    private const int MaxDoubleLength = 32;

    private readonly IBufferWriter<byte> _output;

    public RespWriter(IBufferWriter<byte> output) => _output = output;

    public void WriteCommand(string command, IReadOnlyList<RedisArg> args)
    {
        WriteHeader((byte)'*', args.Count + 1);
        WriteBulk(command);
        for (var i = 0; i < args.Count; i++)
        {
            args[i].WriteTo(this);
        }
    }

    public void WriteBulk(ReadOnlySpan<byte> value)
    {
        WriteHeader((byte)'$', value.Length);
        var span = _output.GetSpan(value.Length + 2);
        value.CopyTo(span);
        span[value.Length] = (byte)'\r';
        span[value.Length + 1] = (byte)'\n';
        _output.Advance(value.Length + 2);
    }

    public void WriteBulk(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteHeader((byte)'$', length);
        var span = _output.GetSpan(length + 2);
        Encoding.UTF8.GetBytes(value, span);
        span[length] = (byte)'\r';
        span[length + 1] = (byte)'\n';
        _output.Advance(length + 2);
    }

    public void WriteBulk(long value)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, digits, out var length);
        WriteBulk(digits[..length]);
    }

    public void WriteBulk(double value)
    {
        if (double.IsInfinity(value))
        {
            WriteBulk(value > 0 ? "inf"u8 : "-inf"u8);
            return;
        }

        Span<byte> text = stackalloc byte[MaxDoubleLength];
        value.TryFormat(text, out var length, "R", CultureInfo.InvariantCulture);
        WriteBulk(text[..length]);
    }

    private void WriteHeader(byte prefix, long count)
    {
        var span = _output.GetSpan(MaxHeaderLength);
        span[0] = prefix;
        Utf8Formatter.TryFormat(count, span[1..], out var length);
        span[length + 1] = (byte)'\r';
        span[length + 2] = (byte)'\n';
        _output.Advance(length + 3);
    }
}
