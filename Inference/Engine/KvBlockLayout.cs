using Platform.Inference.Models;
using Platform.Inference.Ort;

namespace Platform.Inference.Engine;

/// <summary>
/// Where a block's positions sit in a past tensor and in the block. A past tensor is <c>[batch, heads, padded, dim]</c>
/// (or <c>[2, batch, heads, padded, dim]</c> for GPT-2's combined layout), so one block of one tensor is one
/// contiguous run of <see cref="KvBlock.Size"/> x dim elements per head: a copy is one memcpy per head per tensor.
/// </summary>
internal sealed class KvBlockLayout(DecoderSignature signature)
{
    private readonly int _tensors = signature.PastNames.Count;
    private readonly int _halves = signature.KvLayout == KvLayout.Combined ? 2 : 1;
    private readonly int _heads = signature.KvHeads;
    private readonly int _headSize = signature.HeadSize;
    private readonly TensorElementType _type = signature.KvType;

    public TensorElementType ElementType => _type;

    /// <summary>Elements of one block across every past tensor.</summary>
    public long ElementsPerBlock => (long)_tensors * _halves * _heads * KvBlock.Size * _headSize;

    public long BytesPerBlock => ElementsPerBlock * _type.SizeInBytes();

    /// <summary>Copies the source row's positions <paramref name="start"/> .. + <see cref="KvBlock.Size"/> (counted from its first real position) into <paramref name="block"/>.</summary>
    public void Capture(in KvSource source, int start, KvSlot block)
    {
        if (_type.SizeInBytes() == 2)
        {
            Capture<ushort>(source, start, block);
        }
        else
        {
            Capture<float>(source, start, block);
        }
    }

    /// <summary>Writes <paramref name="blocks"/>, in order, as the whole past of a batch-of-one cache (<paramref name="target"/>, one tensor per past input).</summary>
    public void Restore(IReadOnlyList<KvBlock> blocks, IReadOnlyList<OrtTensor> target)
    {
        if (_type.SizeInBytes() == 2)
        {
            Restore<ushort>(blocks, target);
        }
        else
        {
            Restore<float>(blocks, target);
        }
    }

    private void Capture<T>(in KvSource source, int start, KvSlot block)
        where T : unmanaged
    {
        var to = block.Slab.AsSpan<T>().Slice((int)block.Offset, (int)ElementsPerBlock);
        var run = KvBlock.Size * _headSize;
        for (var t = 0; t < _tensors; t++)
        {
            var from = source.Tensors[t].AsSpan<T>();
            for (var half = 0; half < _halves; half++)
            {
                for (var head = 0; head < _heads; head++)
                {
                    var sourceStart = ((((((long)half * source.Batch) + source.Row) * _heads) + head) * source.Padded + source.Offset + start) * _headSize;
                    var blockStart = ((((long)t * _halves) + half) * _heads + head) * run;
                    from.Slice((int)sourceStart, run).CopyTo(to.Slice((int)blockStart, run));
                }
            }
        }
    }

    private void Restore<T>(IReadOnlyList<KvBlock> blocks, IReadOnlyList<OrtTensor> target)
        where T : unmanaged
    {
        var length = blocks.Count * KvBlock.Size;
        var run = KvBlock.Size * _headSize;
        for (var t = 0; t < _tensors; t++)
        {
            var to = target[t].AsSpan<T>();
            for (var b = 0; b < blocks.Count; b++)
            {
                var slot = blocks[b].Data;
                var from = slot.Slab.AsSpan<T>().Slice((int)slot.Offset, (int)ElementsPerBlock);
                for (var half = 0; half < _halves; half++)
                {
                    for (var head = 0; head < _heads; head++)
                    {
                        var blockStart = ((((long)t * _halves) + half) * _heads + head) * run;
                        var targetStart = (((((long)half * _heads) + head) * length) + ((long)b * KvBlock.Size)) * _headSize;
                        from.Slice((int)blockStart, run).CopyTo(to.Slice((int)targetStart, run));
                    }
                }
            }
        }
    }
}

/// <summary>
/// One sequence's row in a set of past tensors, <see cref="Padded"/> positions per head: a sequence's own cache
/// (batch 1, no padding), a row of prompts prefilled together (left-padded: its first real position is at
/// <see cref="Offset"/>) or of the running batch (right-padded to its capacity: offset 0).
/// </summary>
internal readonly record struct KvSource(IReadOnlyList<OrtTensor> Tensors, int Batch, int Row, int Padded, int Offset);
