using Platform.Inference.Models;
using Platform.Inference.Ort;

namespace Platform.Inference.Engine;

/// <summary>
/// One device's cache of prompt (and generated) KV, in blocks of <see cref="KvBlock.Size"/> positions keyed by a chain
/// hash of the namespace and the whole token prefix up to and including the block. The device's loop looks prefixes up
/// and captures new blocks; the admission side may ask, from any thread, how many cached tokens nothing uses
/// (<see cref="UnusedTokens"/>) and evict them (<see cref="Evict"/>). Least recently used blocks go first; a
/// prefix's blocks are touched last to first, so a parent is always more recent than its children and a chain is
/// evicted from its end.
/// </summary>
internal sealed class PrefixCache : IDisposable
{
    private const ulong Prime = 0x100000001B3UL;

    private readonly Lock _lock = new();
    private readonly KvBlockLayout _layout;
    private readonly Dictionary<ulong, KvBlock> _blocks = [];
    private readonly LinkedList<KvBlock> _recency = new();
    private readonly int _capBlocks;
    private readonly KvBlockArena _arena;
    private long _lookups;
    private long _hitTokens;
    private long _evictions;
    private int _referenced;

    public PrefixCache(OrtRuntime runtime, DecoderSignature signature, long capTokens)
    {
        _layout = new KvBlockLayout(signature);
        _capBlocks = (int)Math.Min(int.MaxValue, capTokens / KvBlock.Size);
        _arena = new KvBlockArena(runtime, _layout, _capBlocks);
    }

    public int CapBlocks => _capBlocks;

    public int Blocks
    {
        get
        {
            lock (_lock)
            {
                return _blocks.Count;
            }
        }
    }

    public long Bytes => Blocks * _layout.BytesPerBlock;

    /// <summary>Bytes of storage allocated for blocks: the cache's peak so far, reused as blocks come and go.</summary>
    public long AllocatedBytes
    {
        get
        {
            lock (_lock)
            {
                return _arena.AllocatedBytes;
            }
        }
    }

    /// <summary>Blocks some reader holds now; 0 whenever the device's loop is between steps.</summary>
    public int ReferencedBlocks
    {
        get
        {
            lock (_lock)
            {
                return _referenced;
            }
        }
    }

    /// <summary>Prompts looked up.</summary>
    public long Lookups => Interlocked.Read(ref _lookups);

    /// <summary>Prompt tokens served from the cache instead of prefilled.</summary>
    public long HitTokens => Interlocked.Read(ref _hitTokens);

    /// <summary>Blocks evicted (for room, on demand, or replaced).</summary>
    public long Evictions => Interlocked.Read(ref _evictions);

    /// <summary>Tokens held by cached blocks that no reader uses: what <see cref="Evict"/> could free now.</summary>
    public long UnusedTokens()
    {
        lock (_lock)
        {
            return (long)(_blocks.Count - _referenced) * KvBlock.Size;
        }
    }

    /// <summary>Evicts least recently used unused blocks worth at least <paramref name="tokens"/> (or all there are); returns the tokens freed.</summary>
    public long Evict(long tokens)
    {
        long freed = 0;
        lock (_lock)
        {
            while (freed < tokens && EvictOne())
            {
                freed += KvBlock.Size;
            }
        }

        return freed;
    }

    /// <summary>
    /// The longest cached run of whole blocks at the start of <paramref name="prompt"/> (at most
    /// <paramref name="maxBlocks"/>), each referenced until <see cref="Release"/>; empty on a miss, or when fewer than
    /// <paramref name="minBlocks"/> are cached.
    /// </summary>
    public IReadOnlyList<KvBlock> Acquire(string ns, ReadOnlySpan<int> prompt, int maxBlocks, int minBlocks = 1)
    {
        var found = new List<KvBlock>();
        lock (_lock)
        {
            _lookups++;
            var hash = Root(ns);
            KvBlock? parent = null;
            for (var b = 0; b < maxBlocks; b++)
            {
                var tokens = prompt.Slice(b * KvBlock.Size, KvBlock.Size);
                hash = Chain(hash, tokens);
                if (!_blocks.TryGetValue(hash, out var block) || !block.Follows(parent, ns, tokens))
                {
                    break;
                }

                Reference(block);
                found.Add(block);
                parent = block;
            }

            if (found.Count < minBlocks)
            {
                ReleaseLocked(found);
                return [];
            }

            TouchLastToFirst(found);
            _hitTokens += (long)found.Count * KvBlock.Size;
        }

        return found;
    }

    public void Release(IReadOnlyList<KvBlock> blocks)
    {
        lock (_lock)
        {
            ReleaseLocked(blocks);
        }
    }

    private void ReleaseLocked(IReadOnlyList<KvBlock> blocks)
    {
        foreach (var block in blocks)
        {
            block.References--;
            if (block.References == 0)
            {
                _referenced--;
            }
        }
    }

    /// <summary>
    /// Adds the whole blocks of <paramref name="tokens"/> that are not cached yet, copying their KV from
    /// <paramref name="source"/> (position i of <paramref name="tokens"/> at the source row's position i). Stops at
    /// the cap when nothing more can be evicted.
    /// </summary>
    public void Insert(string ns, ReadOnlySpan<int> tokens, in KvSource source)
    {
        var chain = new List<KvBlock>();
        lock (_lock)
        {
            var hash = Root(ns);
            KvBlock? parent = null;
            for (var b = 0; b < tokens.Length / KvBlock.Size; b++)
            {
                var blockTokens = tokens.Slice(b * KvBlock.Size, KvBlock.Size);
                hash = Chain(hash, blockTokens);
                if (_blocks.TryGetValue(hash, out var existing))
                {
                    if (existing.Follows(parent, ns, blockTokens))
                    {
                        Reference(existing);
                        chain.Add(existing);
                        parent = existing;
                        continue;
                    }

                    // A stale block (its parent was evicted and cached again) or a collision: the new prefix wins unless it is being read.
                    if (existing.References > 0)
                    {
                        break;
                    }

                    Remove(existing);
                }

                if (_blocks.Count >= _capBlocks && !EvictOne())
                {
                    break;
                }

                var data = _arena.Take();
                try
                {
                    _layout.Capture(source, b * KvBlock.Size, data);
                }
                catch
                {
                    _arena.Return(data);
                    throw;
                }

                var block = new KvBlock(parent, ns, blockTokens.ToArray(), hash, data);
                block.Recency = _recency.AddLast(block);
                _blocks.Add(hash, block);
                Reference(block);
                chain.Add(block);
                parent = block;
            }

            TouchLastToFirst(chain);
        }

        Release(chain);
    }

    /// <summary>Copies <paramref name="blocks"/> into a batch-of-one past of their length.</summary>
    public void Restore(IReadOnlyList<KvBlock> blocks, IReadOnlyList<OrtTensor> target) => _layout.Restore(blocks, target);

    public void Dispose()
    {
        lock (_lock)
        {
            _blocks.Clear();
            _recency.Clear();
            _arena.Dispose();
        }
    }

    private static ulong Root(string ns)
    {
        var hash = 0xCBF29CE484222325UL;
        foreach (var c in ns)
        {
            hash = (hash ^ c) * Prime;
        }

        return Mix(hash);
    }

    private static ulong Chain(ulong parent, ReadOnlySpan<int> tokens)
    {
        var hash = parent;
        foreach (var token in tokens)
        {
            hash = (hash ^ (uint)token) * Prime;
        }

        return Mix(hash);
    }

    // SplitMix64's finalizer: every input bit reaches every output bit, so nearby prefixes spread over the table.
    private static ulong Mix(ulong x)
    {
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    private void Reference(KvBlock block)
    {
        if (block.References++ == 0)
        {
            _referenced++;
        }
    }

    private void TouchLastToFirst(List<KvBlock> chain)
    {
        for (var i = chain.Count - 1; i >= 0; i--)
        {
            var node = chain[i].Recency!;
            _recency.Remove(node);
            _recency.AddLast(node);
        }
    }

    private bool EvictOne()
    {
        for (var node = _recency.First; node is not null; node = node.Next)
        {
            if (node.Value.References == 0)
            {
                Remove(node.Value);
                return true;
            }
        }

        return false;
    }

    private void Remove(KvBlock block)
    {
        _blocks.Remove(block.Hash);
        _recency.Remove(block.Recency!);
        block.Recency = null;
        _arena.Return(block.Data);
        _evictions++;
    }
}
