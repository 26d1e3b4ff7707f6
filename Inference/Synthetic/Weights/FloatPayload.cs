using System.Buffers.Binary;
using Platform.Inference.Synthetic.Onnx;

namespace Platform.Inference.Synthetic.Weights;

/// <summary>
/// A float32 or float16 payload whose values are produced in chunks while the file is written,
/// so a weight of hundreds of megabytes never sits in memory.
/// </summary>
internal abstract class FloatPayload(long count, bool float16) : TensorPayload
{
    private const int ChunkElements = 16 * 1024;

    public override long ByteLength => count * (float16 ? 2 : 4);

    public override void WriteTo(Stream output)
    {
        Span<float> values = new float[ChunkElements];
        Span<byte> bytes = new byte[ChunkElements * sizeof(float)];
        for (var done = 0L; done < count; done += ChunkElements)
        {
            var n = (int)Math.Min(ChunkElements, count - done);
            Fill(values[..n]);
            output.Write(float16 ? ToHalf(values[..n], bytes) : ToSingle(values[..n], bytes));
        }
    }

    /// <summary>Produces the next <c>values.Length</c> elements in order.</summary>
    protected abstract void Fill(Span<float> values);

    private static ReadOnlySpan<byte> ToSingle(ReadOnlySpan<float> values, Span<byte> bytes)
    {
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes[(i * 4)..], values[i]);
        }

        return bytes[..(values.Length * 4)];
    }

    private static ReadOnlySpan<byte> ToHalf(ReadOnlySpan<float> values, Span<byte> bytes)
    {
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteHalfLittleEndian(bytes[(i * 2)..], (Half)values[i]);
        }

        return bytes[..(values.Length * 2)];
    }
}

/// <summary>Weights uniform in [-limit, limit) from one SplitMix64 stream.</summary>
internal sealed class UniformPayload(long count, bool float16, ulong seed, float limit) : FloatPayload(count, float16)
{
    private SplitMix64 _random = new(seed);

    // A payload may be written more than once (a retried write), and must give the same bytes each time.
    public override void WriteTo(Stream output)
    {
        _random = new SplitMix64(seed);
        base.WriteTo(output);
    }

    protected override void Fill(Span<float> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = _random.NextUniform(limit);
        }
    }
}

/// <summary>Every element the same value (RMSNorm weights are 1).</summary>
internal sealed class ConstantPayload(long count, bool float16, float value) : FloatPayload(count, float16)
{
    protected override void Fill(Span<float> values) => values.Fill(value);
}
