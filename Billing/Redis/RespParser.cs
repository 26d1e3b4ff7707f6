using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Platform.Billing.Redis;

/// <summary>
/// Reads RESP2 replies from the bytes received so far. <c>TryRead</c> returns false when the reply is not
/// complete yet; the caller keeps the bytes and calls again with more. Only bulk payloads and arrays allocate.
/// </summary>
internal static class RespParser
{
    // Redis's own limit on a bulk string (proto-max-bulk-len default).
    private const long MaxBulkLength = 512L * 1024 * 1024;

    // Replies nest only a few levels (EXEC of SCAN, CLUSTER SLOTS); anything deeper is corruption, not data.
    private const int MaxDepth = 32;

    // A length or integer line is at most a sign and 19 digits.
    private const int MaxNumberLineLength = 20;

    public static bool TryRead(ref SequenceReader<byte> reader, out RedisValue value) => TryRead(ref reader, out value, 0);

    private static bool TryRead(ref SequenceReader<byte> reader, out RedisValue value, int depth)
    {
        value = default;
        if (!reader.TryRead(out var prefix) || !reader.TryReadTo(out ReadOnlySequence<byte> line, "\r\n"u8))
        {
            return false;
        }

        switch (prefix)
        {
            case (byte)'+':
                value = RedisValue.FromSimpleString(DecodeSimple(line));
                return true;
            case (byte)'-':
                value = RedisValue.FromError(Encoding.UTF8.GetString(line));
                return true;
            case (byte)':':
                value = RedisValue.FromInteger(ParseNumber(line));
                return true;
            case (byte)'$':
                return TryReadBulk(ref reader, ParseNumber(line), out value);
            case (byte)'*':
                return TryReadArray(ref reader, ParseNumber(line), depth, out value);
            default:
                throw new RedisProtocolException($"Unexpected RESP type byte 0x{prefix:x2}.");
        }
    }

    private static bool TryReadBulk(ref SequenceReader<byte> reader, long length, out RedisValue value)
    {
        value = default;
        if (length == -1)
        {
            return true;
        }

        if (length is < 0 or > MaxBulkLength)
        {
            throw new RedisProtocolException($"Invalid bulk string length {length}.");
        }

        if (reader.Remaining < length + 2)
        {
            return false;
        }

        var bytes = new byte[length];
        reader.TryCopyTo(bytes);
        reader.Advance(length);
        if (!reader.IsNext("\r\n"u8, advancePast: true))
        {
            throw new RedisProtocolException("A bulk string is not followed by CRLF.");
        }

        value = RedisValue.FromBulkString(bytes);
        return true;
    }

    private static bool TryReadArray(ref SequenceReader<byte> reader, long count, int depth, out RedisValue value)
    {
        value = default;
        if (count == -1)
        {
            return true;
        }

        if (count is < 0 or > int.MaxValue || depth >= MaxDepth)
        {
            throw new RedisProtocolException($"Invalid array length {count} at depth {depth}.");
        }

        // Every item takes at least 3 bytes (":0\r\n" is 4); do not allocate for items that have not arrived.
        if (reader.Remaining < count * 3)
        {
            return false;
        }

        var items = new RedisValue[count];
        for (var i = 0; i < items.Length; i++)
        {
            if (!TryRead(ref reader, out items[i], depth + 1))
            {
                return false;
            }
        }

        value = RedisValue.FromArray(items);
        return true;
    }

    private static long ParseNumber(in ReadOnlySequence<byte> line)
    {
        if (line.Length is 0 or > MaxNumberLineLength)
        {
            throw new RedisProtocolException("Invalid RESP length or integer line.");
        }

        Span<byte> copy = stackalloc byte[MaxNumberLineLength];
        var span = line.IsSingleSegment ? line.FirstSpan : Copy(line, copy);
        if (!Utf8Parser.TryParse(span, out long number, out var used) || used != span.Length)
        {
            throw new RedisProtocolException($"Invalid RESP number '{Encoding.ASCII.GetString(span)}'.");
        }

        return number;
    }

    private static ReadOnlySpan<byte> Copy(in ReadOnlySequence<byte> line, Span<byte> buffer)
    {
        line.CopyTo(buffer);
        return buffer[..(int)line.Length];
    }

    // The common status replies are returned as literals so a pipeline of SETs does not allocate a string each.
    private static string DecodeSimple(in ReadOnlySequence<byte> line)
    {
        if (line.IsSingleSegment)
        {
            var span = line.FirstSpan;
            if (span.SequenceEqual("OK"u8))
            {
                return "OK";
            }

            if (span.SequenceEqual("PONG"u8))
            {
                return "PONG";
            }

            if (span.SequenceEqual("QUEUED"u8))
            {
                return "QUEUED";
            }
        }

        return Encoding.UTF8.GetString(line);
    }
}
