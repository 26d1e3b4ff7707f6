using Platform.Inference.Engine;

namespace Platform.Api.Tests.Inference.Engine;

public sealed class LogitsMathTests
{
    [Fact]
    public void ToSingle_EveryHalfValue_MatchesTheScalarConversion()
    {
        var halves = new Half[65536 + 5];
        for (var i = 0; i < halves.Length; i++)
        {
            halves[i] = BitConverter.UInt16BitsToHalf((ushort)(i % 65536));
        }

        var floats = new float[halves.Length];
        LogitsMath.ToSingle(halves, floats);

        for (var i = 0; i < halves.Length; i++)
        {
            var expected = (float)halves[i];
            if (float.IsNaN(expected))
            {
                Assert.True(float.IsNaN(floats[i]), $"0x{i % 65536:X4} should be NaN");
            }
            else
            {
                Assert.True(BitConverter.SingleToUInt32Bits(expected) == BitConverter.SingleToUInt32Bits(floats[i]), $"0x{i % 65536:X4}: {floats[i]} != {expected}");
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(33)]
    [InlineData(32000)]
    public void ArgMax_RandomRows_EqualsTheScalarFirstMaximum(int length)
    {
        var random = new Random(length);
        for (var trial = 0; trial < 50; trial++)
        {
            // Coarse values make exact ties common.
            var values = Enumerable.Range(0, length).Select(_ => (float)random.Next(-20, 20)).ToArray();
            var expected = 0;
            for (var i = 1; i < values.Length; i++)
            {
                expected = values[i] > values[expected] ? i : expected;
            }

            Assert.Equal(expected, LogitsMath.ArgMax(values));
        }
    }

    [Fact]
    public void ArgMax_NaNPresent_NeverWins()
    {
        var values = new float[40];
        values[3] = float.NaN;
        values[20] = 1f;
        values[35] = float.NaN;
        Assert.Equal(20, LogitsMath.ArgMax(values));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(47)]
    [InlineData(32000)]
    public void ArgMaxHalf_RandomRows_EqualsArgMaxOfTheWidenedValues(int length)
    {
        var random = new Random(length);
        for (var trial = 0; trial < 50; trial++)
        {
            // Coarse values give exact ties, -0 next to +0, negatives only, and now and then a NaN or an infinity.
            var values = Enumerable.Range(0, length).Select(_ => random.Next(12) switch
            {
                0 => Half.NaN,
                1 => Half.NegativeZero,
                2 => Half.NegativeInfinity,
                _ => (Half)(random.Next(-40, trial % 2 == 0 ? 40 : 0) / 8f),
            }).ToArray();
            var expected = LogitsMath.ArgMax(values.Select(v => (float)v).ToArray());

            Assert.Equal(expected, LogitsMath.ArgMax(values));
        }
    }
}
