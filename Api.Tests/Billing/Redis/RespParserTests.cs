using System.Buffers;
using System.Text;
using Platform.Billing.Redis;

namespace Platform.Api.Tests.Billing.Redis;

public sealed class RespParserTests
{
    [Fact]
    public void Parse_EachReplyType_ReadsKindAndValue()
    {
        Assert.Equal("OK", Parse("+OK\r\n").AsString());
        Assert.Equal(RedisValueKind.SimpleString, Parse("+OK\r\n").Kind);
        Assert.Equal(-42, Parse(":-42\r\n").AsInt64());
        Assert.Equal("héllo", Parse("$6\r\nhéllo\r\n").AsString());
        Assert.Equal(RedisValueKind.BulkString, Parse("$0\r\n\r\n").Kind);
        Assert.True(Parse("$-1\r\n").IsNull);
        Assert.True(Parse("*-1\r\n").IsNull);
        Assert.Empty(Parse("*0\r\n").AsArray());
        var error = Parse("-ERR wrong\r\n");
        Assert.Equal(RedisValueKind.Error, error.Kind);
        Assert.Equal("ERR wrong", error.AsString());
    }

    [Fact]
    public void Parse_NestedArray_KeepsStructure()
    {
        var value = Parse("*3\r\n:1\r\n*2\r\n$1\r\nx\r\n$-1\r\n-NOPE\r\n");

        var items = value.AsArray();
        Assert.Equal(1, items[0].AsInt64());
        Assert.Equal("x", items[1].AsArray()[0].AsString());
        Assert.True(items[1].AsArray()[1].IsNull);
        Assert.Equal(RedisValueKind.Error, items[2].Kind);
    }

    [Fact]
    public void Parse_BulkWithCrLfInside_ReadsByLength()
    {
        var value = Parse("$4\r\na\r\nb\r\n");

        Assert.Equal("a\r\nb", value.AsString());
    }

    [Fact]
    public void TryRead_EveryTruncation_ReturnsFalseUntilComplete()
    {
        var bytes = Encoding.UTF8.GetBytes("*4\r\n+OK\r\n:12\r\n$5\r\nhello\r\n*1\r\n$-1\r\n");
        for (var length = 0; length < bytes.Length; length++)
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes, 0, length));
            Assert.False(RespParser.TryRead(ref reader, out _), $"complete after {length} of {bytes.Length} bytes");
        }

        var whole = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));
        Assert.True(RespParser.TryRead(ref whole, out var value));
        Assert.Equal(0, whole.Remaining);
        Assert.Equal("hello", value.AsArray()[2].AsString());
    }

    [Fact]
    public void TryRead_SplitAcrossSegments_ReadsSameValue()
    {
        var bytes = Encoding.UTF8.GetBytes("*2\r\n:123456\r\n$5\r\nhello\r\n");
        for (var split = 1; split < bytes.Length; split++)
        {
            var reader = new SequenceReader<byte>(Segments(bytes[..split], bytes[split..]));
            Assert.True(RespParser.TryRead(ref reader, out var value), $"split at {split}");
            Assert.Equal(123456, value.AsArray()[0].AsInt64());
            Assert.Equal("hello", value.AsArray()[1].AsString());
        }
    }

    [Fact]
    public void TryRead_TwoRepliesInOneBuffer_ReadsThemInOrder()
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>("+PONG\r\n:7\r\n"u8.ToArray()));

        Assert.True(RespParser.TryRead(ref reader, out var first));
        Assert.True(RespParser.TryRead(ref reader, out var second));
        Assert.Equal("PONG", first.AsString());
        Assert.Equal(7, second.AsInt64());
        Assert.False(RespParser.TryRead(ref reader, out _));
    }

    [Theory]
    [InlineData("!3\r\nabc\r\n")]
    [InlineData(":12a\r\n")]
    [InlineData("$-2\r\n")]
    [InlineData("$3\r\nabcXY")]
    public void TryRead_NotResp_ThrowsProtocolException(string text)
    {
        Assert.Throws<RedisProtocolException>(() =>
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(text)));
            RespParser.TryRead(ref reader, out _);
        });
    }

    private static RedisValue Parse(string text)
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(text)));
        Assert.True(RespParser.TryRead(ref reader, out var value));
        Assert.Equal(0, reader.Remaining);
        return value;
    }

    private static ReadOnlySequence<byte> Segments(byte[] first, byte[] second)
    {
        var head = new Segment(first, 0);
        var tail = head.Append(second);
        return new ReadOnlySequence<byte>(head, 0, tail, second.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] bytes, long runningIndex)
        {
            Memory = bytes;
            RunningIndex = runningIndex;
        }

        public Segment Append(byte[] bytes)
        {
            var next = new Segment(bytes, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
