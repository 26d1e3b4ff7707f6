namespace Platform.Inference.Synthetic.Tokenizer;

/// <summary>
/// The token list of a synthetic model: ids 0-255 are the bytes (in byte order), then one token per merge,
/// then the special tokens at the top (&lt;|endoftext|&gt;, &lt;|im_start|&gt;, &lt;|im_end|&gt;).
/// </summary>
internal sealed class SyntheticVocabulary
{
    public const string EndOfText = "<|endoftext|>";
    public const string ImStart = "<|im_start|>";
    public const string ImEnd = "<|im_end|>";

    private SyntheticVocabulary(IReadOnlyList<string> tokens, IReadOnlyList<(string Left, string Right)> merges)
    {
        Tokens = tokens;
        Merges = merges;
    }

    /// <summary>Every token; the index is the id.</summary>
    public IReadOnlyList<string> Tokens { get; }

    /// <summary>Merges in rank order; merge i makes token 256 + i.</summary>
    public IReadOnlyList<(string Left, string Right)> Merges { get; }

    public int EndOfTextId => Tokens.Count - 3;

    public int ImStartId => Tokens.Count - 2;

    public int ImEndId => Tokens.Count - 1;

    public static IReadOnlyList<string> SpecialTokens { get; } = [EndOfText, ImStart, ImEnd];

    public static SyntheticVocabulary Create(int vocabSize)
    {
        var merges = BpeTrainer.Learn(vocabSize - SyntheticModelSpec.ByteTokenCount - SyntheticModelSpec.SpecialTokenCount);
        var tokens = new List<string>(vocabSize);
        for (var b = 0; b < SyntheticModelSpec.ByteTokenCount; b++)
        {
            tokens.Add(ByteLevelAlphabet.ForByte((byte)b));
        }

        tokens.AddRange(merges.Select(m => m.Left + m.Right));
        tokens.AddRange(SpecialTokens);
        return new SyntheticVocabulary(tokens, merges);
    }
}
