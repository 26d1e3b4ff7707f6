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

    public static SyntheticVocabulary Create(int vocabSize) => Create(vocabSize, []);

    /// <summary>
    /// The trained vocabulary plus <paramref name="wholeWords"/> as single tokens (with and without a leading space):
    /// their merges come first, so they win over the trained ones, and trained merges that make the same token are dropped.
    /// </summary>
    public static SyntheticVocabulary Create(int vocabSize, IReadOnlyList<string> wholeWords)
    {
        var merges = new List<(string Left, string Right)>();
        var made = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in wholeWords)
        {
            foreach (var form in new[] { ByteLevelAlphabet.Encode(System.Text.Encoding.UTF8.GetBytes(" " + word)), ByteLevelAlphabet.Encode(System.Text.Encoding.UTF8.GetBytes(word)) })
            {
                for (var end = 2; end <= form.Length; end++)
                {
                    if (made.Add(form[..end]))
                    {
                        merges.Add((form[..(end - 1)], form[(end - 1)..end]));
                    }
                }
            }
        }

        merges.AddRange(BpeTrainer.Learn(vocabSize - SyntheticModelSpec.ByteTokenCount - SyntheticModelSpec.SpecialTokenCount)
            .Where(m => made.Add(m.Left + m.Right)));
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
