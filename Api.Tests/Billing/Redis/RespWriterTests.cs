using System.Buffers;
using System.Text;
using Platform.Billing.Redis;

namespace Platform.Api.Tests.Billing.Redis;

public sealed class RespWriterTests
{
    [Fact]
    public void WriteCommand_MixedArguments_EncodesArrayOfBulkStrings()
    {
        var output = new ArrayBufferWriter<byte>();

        new RespWriter(output).WriteCommand("SET", ["kéy", 42L, 1.5, new byte[] { 0, 13, 10 }, double.NegativeInfinity]);

        Assert.Equal(
            "*6\r\n$3\r\nSET\r\n$4\r\nkéy\r\n$2\r\n42\r\n$3\r\n1.5\r\n$3\r\n\0\r\n\r\n$4\r\n-inf\r\n",
            Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void WriteCommand_NoArguments_EncodesOneElementArray()
    {
        var output = new ArrayBufferWriter<byte>();

        new RespWriter(output).WriteCommand("PING", []);

        Assert.Equal("*1\r\n$4\r\nPING\r\n", Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void FromDouble_NaN_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RedisArg.FromDouble(double.NaN));
    }
}
