using System.Text;

namespace Platform.Api.Tests.Inference.Synthetic;

/// <summary>
/// A tiny protobuf decoder written for the tests, independent of the writer under test:
/// it splits a message into its fields so tests can check what ONNX Runtime would read.
/// </summary>
internal sealed class ProtoMessage
{
    private readonly List<ProtoField> _fields = [];

    public ProtoMessage(ReadOnlyMemory<byte> bytes)
    {
        var span = bytes.Span;
        var position = 0;
        while (position < span.Length)
        {
            var tag = ReadVarint(span, ref position);
            var number = (int)(tag >> 3);
            var wireType = (int)(tag & 7);
            switch (wireType)
            {
                case 0:
                    _fields.Add(new ProtoField(number, wireType, ReadVarint(span, ref position), default));
                    break;
                case 2:
                    var length = (int)ReadVarint(span, ref position);
                    _fields.Add(new ProtoField(number, wireType, 0, bytes.Slice(position, length)));
                    position += length;
                    break;
                case 5:
                    _fields.Add(new ProtoField(number, wireType, BitConverter.ToUInt32(span.Slice(position, 4)), bytes.Slice(position, 4)));
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"Unexpected wire type {wireType} for field {number}.");
            }
        }
    }

    public IReadOnlyList<ProtoField> Fields => _fields;

    public static ulong ReadVarint(ReadOnlySpan<byte> span, ref int position)
    {
        ulong result = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = span[position++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }
    }

    public long Int64(int number) => (long)_fields.Single(f => f.Number == number).Varint;

    public IEnumerable<long> Int64s(int number) => _fields.Where(f => f.Number == number).Select(f => (long)f.Varint);

    public string String(int number) => Strings(number).Single();

    public IEnumerable<string> Strings(int number) => _fields.Where(f => f.Number == number).Select(f => Encoding.UTF8.GetString(f.Bytes.Span));

    public ProtoMessage Message(int number) => Messages(number).Single();

    public IEnumerable<ProtoMessage> Messages(int number) => _fields.Where(f => f.Number == number).Select(f => new ProtoMessage(f.Bytes));

    public bool Has(int number) => _fields.Exists(f => f.Number == number);

    public ReadOnlyMemory<byte> Bytes(int number) => _fields.Single(f => f.Number == number).Bytes;
}

internal readonly record struct ProtoField(int Number, int WireType, ulong Varint, ReadOnlyMemory<byte> Bytes);
