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

    /// <summary>Fills a span with the next values of the tensor, in order.</summary>
    protected delegate void Filler(Span<float> values);

    public override void WriteTo(Stream output)
    {
        var fill = CreateFiller();
        Span<float> values = new float[ChunkElements];
        Span<byte> bytes = new byte[ChunkElements * sizeof(float)];
        for (var done = 0L; done < count; done += ChunkElements)
        {
            var n = (int)Math.Min(ChunkElements, count - done);
            fill(values[..n]);
            output.Write(float16 ? ToHalf(values[..n], bytes) : ToSingle(values[..n], bytes));
        }
    }

    /// <summary>A filler that starts at the first element: each write of the payload gives the same bytes.</summary>
    protected abstract Filler CreateFiller();

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
    protected override Filler CreateFiller()
    {
        var random = new SplitMix64(seed);
        return values =>
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = random.NextUniform(limit);
            }
        };
    }
}

/// <summary>Every element the same value (RMSNorm weights are 1).</summary>
internal sealed class ConstantPayload(long count, bool float16, float value) : FloatPayload(count, float16)
{
    protected override Filler CreateFiller() => values => values.Fill(value);
}
