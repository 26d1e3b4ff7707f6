using Platform.Inference.Synthetic.Onnx;

namespace Platform.Api.Tests.Inference.Synthetic;

public sealed class ProtoWriterTests
{
    [Theory]
    [InlineData(0UL, "00")]
    [InlineData(1UL, "01")]
    [InlineData(127UL, "7F")]
    [InlineData(128UL, "8001")]
    [InlineData(300UL, "AC02")]
    [InlineData(16384UL, "808001")]
    [InlineData(ulong.MaxValue, "FFFFFFFFFFFFFFFFFF01")]
    public void WriteVarint_KnownValues_EncodesLittleEndianGroupsOfSeven(ulong value, string expectedHex)
    {
        var bytes = ProtoWriter.Encode(writer => writer.WriteVarint(value));

        Assert.Equal(expectedHex, Convert.ToHexString(bytes));
        Assert.Equal(bytes.Length, ProtoWriter.VarintSize(value));
    }

    [Fact]
    public void WriteInt64_Field1Value150_MatchesProtobufDocumentationExample()
    {
        var bytes = ProtoWriter.Encode(writer => writer.WriteInt64(1, 150));

        Assert.Equal("089601", Convert.ToHexString(bytes));
    }

    [Fact]
    public void WriteInt64_NegativeValue_IsSignExtendedToTenBytes()
    {
        var bytes = ProtoWriter.Encode(writer => writer.WriteInt64(3, -1));

        Assert.Equal("18FFFFFFFFFFFFFFFFFF01", Convert.ToHexString(bytes));
    }

    [Fact]
    public void WriteString_Field2_IsLengthDelimitedUtf8()
    {
        var bytes = ProtoWriter.Encode(writer => writer.WriteString(2, "testing"));

        Assert.Equal("120774657374696E67", Convert.ToHexString(bytes));
    }

    [Fact]
    public void WriteFloat_Field2_IsFixed32LittleEndian()
    {
        var bytes = ProtoWriter.Encode(writer => writer.WriteFloat(2, 1.0f));

        Assert.Equal("150000803F", Convert.ToHexString(bytes));
    }

    [Fact]
    public void WriteMessage_Nested_DecodesBackToTheSameFields()
    {
        var bytes = ProtoWriter.Encode(writer =>
        {
            writer.WriteInt64(1, 7);
            writer.WriteMessage(3, inner =>
            {
                inner.WriteString(1, "inner");
                inner.WriteMessage(2, deepest => deepest.WriteInt64(5, 1234567890123));
            });
            writer.WriteString(4, "tail");
        });

        var message = new ProtoMessage(bytes);
        Assert.Equal(7, message.Int64(1));
        Assert.Equal("tail", message.String(4));
        var inner = message.Message(3);
        Assert.Equal("inner", inner.String(1));
        Assert.Equal(1234567890123, inner.Message(2).Int64(5));
    }

    [Fact]
    public void LengthDelimitedSize_LargePayload_CountsTagLengthAndBody()
    {
        // Field 5 tag = 1 byte; a length of 300,000,000 needs a 5-byte varint.
        Assert.Equal(1 + 5 + 300_000_000L, ProtoWriter.LengthDelimitedSize(5, 300_000_000));
        Assert.Equal(2, ProtoWriter.TagSize(20));
    }
}
