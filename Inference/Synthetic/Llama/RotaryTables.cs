using System.Buffers.Binary;

namespace Platform.Inference.Synthetic.Llama;

/// <summary>
/// The cos and sin tables of rotary position embeddings, one row per position, in the "rotate half"
/// layout: the frequencies of the first half of the head repeat in the second half.
/// </summary>
internal static class RotaryTables
{
    public const double Theta = 10000.0;

    /// <summary>float32 little-endian [contextLength, headSize] tables.</summary>
    public static (byte[] Cos, byte[] Sin) Create(int contextLength, int headSize)
    {
        var half = headSize / 2;
        var cos = new byte[contextLength * headSize * sizeof(float)];
        var sin = new byte[cos.Length];
        for (var position = 0; position < contextLength; position++)
        {
            for (var i = 0; i < half; i++)
            {
                var inverseFrequency = 1.0 / Math.Pow(Theta, 2.0 * i / headSize);
                var angle = position * inverseFrequency;
                var (s, c) = ((float)Math.Sin(angle), (float)Math.Cos(angle));
                foreach (var column in (ReadOnlySpan<int>)[i, i + half])
                {
                    var offset = ((position * headSize) + column) * sizeof(float);
                    BinaryPrimitives.WriteSingleLittleEndian(cos.AsSpan(offset), c);
                    BinaryPrimitives.WriteSingleLittleEndian(sin.AsSpan(offset), s);
                }
            }
        }

        return (cos, sin);
    }
}
