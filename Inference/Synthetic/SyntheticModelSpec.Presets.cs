namespace Platform.Inference.Synthetic;

public sealed partial record SyntheticModelSpec
{
    /// <summary>The built-in model: small enough to write at start-up in milliseconds (about 0.25M parameters).</summary>
    public static SyntheticModelSpec TinyDefault { get; } = new()
    {
        Layers = 2,
        HiddenSize = 64,
        Heads = 4,
        KvHeads = 2,
        IntermediateSize = 256,
        VocabSize = 1024,
        ContextLength = 2048,
        Seed = 1,
    };

    /// <summary>About 10M parameters, for engine benchmarks that should finish quickly.</summary>
    public static SyntheticModelSpec Bench10M { get; } = new()
    {
        Layers = 8,
        HiddenSize = 256,
        Heads = 8,
        KvHeads = 4,
        IntermediateSize = 1024,
        VocabSize = 4096,
        ContextLength = 2048,
        Seed = 10,
    };

    /// <summary>About 100M parameters, three quarters of them in the layers, for realistic step times.</summary>
    public static SyntheticModelSpec Bench100M { get; } = new()
    {
        Layers = 12,
        HiddenSize = 768,
        Heads = 12,
        KvHeads = 4,
        IntermediateSize = 2048,
        VocabSize = 16384,
        ContextLength = 2048,
        Seed = 100,
    };

    /// <summary>A very small model for tests: grouped-query attention, a 512-token vocabulary, 256 positions.</summary>
    public static SyntheticModelSpec Tiny(bool float16 = false, int seed = 1) => new()
    {
        Layers = 2,
        HiddenSize = 32,
        Heads = 4,
        KvHeads = 2,
        IntermediateSize = 64,
        VocabSize = 512,
        ContextLength = 256,
        Float16 = float16,
        Seed = seed,
    };
}
