using Platform.Inference.Ort;

namespace Platform.Inference.Engine;

/// <summary>
/// Storage for cached blocks, allocated in slabs of many blocks and reused slot by slot: one allocation per block cost
/// more than the block's copy itself (an mmap and its page faults per few hundred KB, measured by the prefix-cache
/// bench), which is what a prompt that shares nothing pays. Slabs are kept until the cache is disposed, so the memory
/// held is the cache's peak, at most its cap. Used under the owning cache's lock.
/// </summary>
internal sealed class KvBlockArena(OrtRuntime runtime, KvBlockLayout layout, int capBlocks) : IDisposable
{
    private const int BlocksPerSlab = 64;

    // A slab stays far below 2^31 elements, the most a span reaches.
    private const long MaxSlabBytes = 256L << 20;

    private readonly List<OrtTensor> _slabs = [];
    private readonly Stack<KvSlot> _free = new();
    private readonly int _slabBlocks = (int)Math.Max(1, Math.Min(Math.Min(BlocksPerSlab, capBlocks), MaxSlabBytes / layout.BytesPerBlock));

    /// <summary>Bytes of the slabs allocated so far.</summary>
    public long AllocatedBytes => (long)_slabs.Count * _slabBlocks * layout.BytesPerBlock;

    public KvSlot Take()
    {
        if (_free.Count == 0)
        {
            var slab = OrtTensor.Allocate(runtime, layout.ElementType, [_slabBlocks * layout.ElementsPerBlock]);
            _slabs.Add(slab);
            for (var i = _slabBlocks - 1; i >= 0; i--)
            {
                _free.Push(new KvSlot(slab, i * layout.ElementsPerBlock));
            }
        }

        return _free.Pop();
    }

    public void Return(KvSlot slot) => _free.Push(slot);

    public void Dispose()
    {
        _slabs.ForEach(s => s.Dispose());
        _slabs.Clear();
        _free.Clear();
    }
}

/// <summary>One block's place in a slab: its elements start at <see cref="Offset"/>.</summary>
internal readonly record struct KvSlot(OrtTensor Slab, long Offset);
