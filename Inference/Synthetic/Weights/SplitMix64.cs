namespace Platform.Inference.Synthetic.Weights;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood): a tiny generator whose output depends only on its seed, so the
/// same spec yields the same weights on every machine and runtime, unlike <see cref="Random"/>.
/// </summary>
internal struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>A float uniform in [-limit, limit), built from 24 random bits so every value is exact in float.</summary>
    public float NextUniform(float limit) => (((long)(Next() >> 40) - (1L << 23)) / (float)(1L << 23)) * limit;

    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A per-tensor seed: each tensor gets its own stream, so adding or reordering tensors leaves the others unchanged.</summary>
    public static ulong ForTensor(int seed, string tensorName)
    {
        // FNV-1a over the name: string.GetHashCode is randomized per process.
        var hash = 0xCBF29CE484222325UL;
        foreach (var c in tensorName)
        {
            hash = (hash ^ c) * 0x100000001B3UL;
        }

        return Mix(hash ^ Mix((ulong)(uint)seed));
    }
}
