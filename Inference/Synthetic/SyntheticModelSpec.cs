namespace Platform.Inference.Synthetic;

/// <summary>
/// The shape of a synthetic Llama-style decoder: random but deterministic weights, a byte-level BPE
/// tokenizer and a GenAI model folder. The same spec always writes byte-identical files.
/// </summary>
public sealed partial record SyntheticModelSpec
{
    /// <summary>The byte tokens every vocabulary starts with.</summary>
    public const int ByteTokenCount = 256;

    /// <summary>The special tokens at the top of the vocabulary: &lt;|endoftext|&gt;, &lt;|im_start|&gt;, &lt;|im_end|&gt;.</summary>
    public const int SpecialTokenCount = 3;

    public required int Layers { get; init; }

    public required int HiddenSize { get; init; }

    public required int Heads { get; init; }

    public required int KvHeads { get; init; }

    public required int IntermediateSize { get; init; }

    public required int VocabSize { get; init; }

    public required int ContextLength { get; init; }

    /// <summary>Weights, KV cache and logits in float16 (compute stays float32 inside the graph).</summary>
    public bool Float16 { get; init; }

    public int Seed { get; init; }

    public int HeadSize => HiddenSize / Heads;

    public int KvHiddenSize => KvHeads * HeadSize;

    /// <summary>Embedding, per-layer attention, MLP and norms, final norm and an untied lm_head.</summary>
    public long ParameterCount
    {
        get
        {
            long hidden = HiddenSize;
            var attention = (2 * hidden * hidden) + (2 * hidden * KvHiddenSize);
            var mlp = 3 * hidden * IntermediateSize;
            var perLayer = attention + mlp + (2 * hidden);
            return (2L * VocabSize * hidden) + (Layers * perLayer) + hidden;
        }
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first field that cannot make a model.</summary>
    public void Validate()
    {
        RequirePositive(Layers, nameof(Layers));
        RequirePositive(HiddenSize, nameof(HiddenSize));
        RequirePositive(Heads, nameof(Heads));
        RequirePositive(KvHeads, nameof(KvHeads));
        RequirePositive(IntermediateSize, nameof(IntermediateSize));
        RequirePositive(ContextLength, nameof(ContextLength));
        if (HiddenSize % Heads != 0)
        {
            throw new ArgumentException($"HiddenSize {HiddenSize} is not divisible by Heads {Heads}.", nameof(HiddenSize));
        }

        if (HeadSize % 2 != 0)
        {
            throw new ArgumentException($"The head size HiddenSize / Heads = {HeadSize} must be even for rotary embeddings.", nameof(HiddenSize));
        }

        if (Heads % KvHeads != 0)
        {
            throw new ArgumentException($"KvHeads {KvHeads} does not divide Heads {Heads}.", nameof(KvHeads));
        }

        if (VocabSize < ByteTokenCount + SpecialTokenCount)
        {
            throw new ArgumentException(
                $"VocabSize {VocabSize} is below the {ByteTokenCount} byte tokens plus {SpecialTokenCount} special tokens.", nameof(VocabSize));
        }
    }

    private static void RequirePositive(int value, string field)
    {
        if (value <= 0)
        {
            throw new ArgumentException($"{field} must be positive, not {value}.", field);
        }
    }
}
