using System.Buffers.Binary;
using System.Text;

namespace Platform.Inference.Synthetic.Onnx;

/// <summary>
/// Writes the protobuf wire format to a stream: varints, fixed32 floats and length-delimited fields.
/// Small nested messages are encoded to a byte array first (<see cref="Encode"/>) because their length
/// precedes them; big payloads are written as a header (<see cref="WriteLengthPrefix"/>) and streamed.
/// </summary>
internal sealed class ProtoWriter(Stream output)
{
    private const int MaxVarintBytes = 10;

    public static byte[] Encode(Action<ProtoWriter> body)
    {
        using var buffer = new MemoryStream();
        body(new ProtoWriter(buffer));
        return buffer.ToArray();
    }

    public static int VarintSize(ulong value)
    {
        var size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }

        return size;
    }

    public static int TagSize(int field) => VarintSize((ulong)field << 3);

    /// <summary>The bytes a length-delimited field takes around a payload of <paramref name="length"/> bytes.</summary>
    public static long LengthDelimitedSize(int field, long length) => TagSize(field) + VarintSize((ulong)length) + length;

    public void WriteVarint(ulong value)
    {
        Span<byte> bytes = stackalloc byte[MaxVarintBytes];
        var count = 0;
        while (value >= 0x80)
        {
            bytes[count++] = (byte)(value | 0x80);
            value >>= 7;
        }

        bytes[count++] = (byte)value;
        output.Write(bytes[..count]);
    }

    public void WriteTag(int field, WireType wireType) => WriteVarint(((ulong)field << 3) | (ulong)wireType);

    /// <summary>int64 and int32 fields: negative values are sign-extended to ten bytes, as protobuf requires.</summary>
    public void WriteInt64(int field, long value)
    {
        WriteTag(field, WireType.Varint);
        WriteVarint(unchecked((ulong)value));
    }

    public void WriteFloat(int field, float value)
    {
        WriteTag(field, WireType.Fixed32);
        Span<byte> bytes = stackalloc byte[sizeof(float)];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        output.Write(bytes);
    }

    public void WriteString(int field, string value) => WriteBytes(field, Encoding.UTF8.GetBytes(value));

    public void WriteBytes(int field, ReadOnlySpan<byte> value)
    {
        WriteLengthPrefix(field, value.Length);
        output.Write(value);
    }

    public void WriteMessage(int field, Action<ProtoWriter> body) => WriteBytes(field, Encode(body));

    /// <summary>Starts a length-delimited field whose <paramref name="length"/> bytes the caller writes next.</summary>
    public void WriteLengthPrefix(int field, long length)
    {
        WriteTag(field, WireType.LengthDelimited);
        WriteVarint((ulong)length);
    }
}
