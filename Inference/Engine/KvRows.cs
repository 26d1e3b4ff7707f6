using Platform.Inference.Models;
using Platform.Inference.Ort;

namespace Platform.Inference.Engine;

/// <summary>Copies positions of one row between two KV tensors of a signature's layout, whatever their batch and length.</summary>
internal static class KvRows
{
    /// <summary>
    /// Copies <paramref name="count"/> positions of one row, every head (and both halves of a combined layout), from
    /// <paramref name="sourceStart"/> of a tensor holding <paramref name="sourceStride"/> positions per head to
    /// <paramref name="targetStart"/> of one holding <paramref name="targetStride"/>.
    /// </summary>
    public static void Copy(DecoderSignature signature, OrtTensor source, int sourceBatch, int sourceRow, int sourceStride, int sourceStart, OrtTensor target, int targetBatch, int targetRow, int targetStride, int targetStart, int count)
    {
        if (source.ElementType.SizeInBytes() == 2)
        {
            Copy<ushort>(signature, source, sourceBatch, sourceRow, sourceStride, sourceStart, target, targetBatch, targetRow, targetStride, targetStart, count);
        }
        else
        {
            Copy<float>(signature, source, sourceBatch, sourceRow, sourceStride, sourceStart, target, targetBatch, targetRow, targetStride, targetStart, count);
        }
    }

    private static void Copy<T>(DecoderSignature signature, OrtTensor source, int sourceBatch, int sourceRow, int sourceStride, int sourceStart, OrtTensor target, int targetBatch, int targetRow, int targetStride, int targetStart, int count)
        where T : unmanaged
    {
        var from = source.AsSpan<T>();
        var to = target.AsSpan<T>();
        var heads = signature.KvHeads;
        var headSize = signature.HeadSize;
        var halves = signature.KvLayout == KvLayout.Combined ? 2 : 1;
        var elements = count * headSize;
        for (var half = 0; half < halves; half++)
        {
            for (var head = 0; head < heads; head++)
            {
                var sourceAt = (((((long)half * sourceBatch) + sourceRow) * heads + head) * sourceStride + sourceStart) * headSize;
                var targetAt = (((((long)half * targetBatch) + targetRow) * heads + head) * targetStride + targetStart) * headSize;
                from.Slice((int)sourceAt, elements).CopyTo(to.Slice((int)targetAt, elements));
            }
        }
    }
}
