using Platform.Inference.Tokenization;

namespace Platform.Api.Tests.Inference.Tokenization;

/// <summary>The streaming detokenizer against the full decode: same text, nothing half-finished shown early.</summary>
public sealed class StreamingDetokenizerTests(SharedTokenizers tokenizers) : IClassFixture<SharedTokenizers>
{
    private const string Emoji = "🙂🙃😉 👩‍👩‍👧‍👦 中文 Ünïcödé";

    private static readonly string[] Prompts = ["", "Hello", "Hello ", "It was", "x.", "don", "🤖", "a\n"];

    public static TheoryData<string, bool> ModelsAndSkipModes() => new()
    {
        { SharedTokenizers.Gpt2, true },
        { SharedTokenizers.Gpt2, false },
        { SharedTokenizers.Llama, true },
        { SharedTokenizers.Llama, false },
    };

    [Theory]
    [MemberData(nameof(ModelsAndSkipModes))]
    public void Push_RandomIdsIncludingPartialBytes_EqualsSuffixOfFullDecode(string model, bool skipSpecialTokens)
    {
        var tokenizer = tokenizers[model];
        var pool = IdPool(tokenizer, model);
        var random = new Random(1234);
        for (var round = 0; round < 400; round++)
        {
            var prompt = tokenizer.Encode(Prompts[random.Next(Prompts.Length)]).ToArray();
            var generated = new int[random.Next(1, 30)];
            for (var i = 0; i < generated.Length; i++)
            {
                generated[i] = random.Next(4) == 0 ? random.Next(tokenizer.VocabularySize) : pool[random.Next(pool.Count)];
            }

            var expected = ExpectedSuffix(tokenizer, prompt, generated, skipSpecialTokens);
            var (text, _) = Stream(tokenizer, prompt, generated, skipSpecialTokens);

            Assert.True(expected == text, $"{model} prompt [{string.Join(',', prompt)}] generated [{string.Join(',', generated)}]");
        }
    }

    [Theory]
    [InlineData(SharedTokenizers.Gpt2)]
    [InlineData(SharedTokenizers.Llama)]
    public void Push_MultiByteCharactersSplitAcrossTokens_NeverEmitsReplacementCharacter(string model)
    {
        var tokenizer = tokenizers[model];
        var prompt = tokenizer.Encode("Say:");
        var generated = tokenizer.Encode(" " + Emoji, addSpecialTokens: false).ToArray();

        var (text, pieces) = Stream(tokenizer, prompt, generated, skipSpecialTokens: true);

        Assert.Equal(ExpectedSuffix(tokenizer, [.. prompt], generated, skipSpecialTokens: true), text);
        Assert.EndsWith(" " + Emoji, text, StringComparison.Ordinal);
        Assert.DoesNotContain(pieces, p => p.Contains('\uFFFD', StringComparison.Ordinal));
        Assert.True(pieces.Count(p => p.Length > 0) > 5, "text should arrive in many pieces, not all at the end");
    }

    [Theory]
    [InlineData(SharedTokenizers.Gpt2)]
    [InlineData(SharedTokenizers.Llama)]
    public void Flush_IdsEndMidCharacter_ReturnsReplacementCharacterLikeDecode(string model)
    {
        var tokenizer = tokenizers[model];
        var prompt = tokenizer.Encode("x");
        var emoji = tokenizer.Encode("🙂", addSpecialTokens: false);
        var generated = emoji.Take(emoji.Count - 1).ToArray();
        var detokenizer = tokenizer.CreateStreamingDetokenizer(prompt);

        var pushed = string.Concat(generated.Select(detokenizer.Push));
        var flushed = detokenizer.Flush();

        Assert.Equal(ExpectedSuffix(tokenizer, [.. prompt], generated, skipSpecialTokens: true), pushed + flushed);
        Assert.EndsWith("\uFFFD", flushed, StringComparison.Ordinal);
    }

    [Fact]
    public void Push_WordAfterSkippedEndOfSequence_KeepsItsLeadingSpace()
    {
        var tokenizer = tokenizers[SharedTokenizers.Llama];
        var prompt = tokenizer.Encode("Hello");
        int[] generated = [2, .. tokenizer.Encode("World", addSpecialTokens: false)];

        var (text, _) = Stream(tokenizer, prompt, generated, skipSpecialTokens: true);

        Assert.Equal(" World", text);
    }

    [Theory]
    [InlineData(SharedTokenizers.Gpt2)]
    [InlineData(SharedTokenizers.Llama)]
    public void Push_EmptyPrompt_EqualsFullDecode(string model)
    {
        var tokenizer = tokenizers[model];
        var generated = tokenizer.Encode("Hello world, it's 3.5 degrees!", addSpecialTokens: false).ToArray();

        var (text, _) = Stream(tokenizer, [], generated, skipSpecialTokens: true);

        Assert.Equal(tokenizer.Decode(generated), text);
    }

    [Fact]
    public void Push_SpaceThenPeriod_MatchesCleanedDecode()
    {
        // GPT-2's tokenizer_config asks for clean_up_tokenization_spaces: " ." decodes to ".", across tokens too.
        var tokenizer = tokenizers[SharedTokenizers.Gpt2];
        var prompt = tokenizer.Encode("Hello");
        int[] generated = [.. tokenizer.Encode(" world", false), .. tokenizer.Encode(" ", false), .. tokenizer.Encode(".", false)];

        var (text, _) = Stream(tokenizer, prompt, generated, skipSpecialTokens: true);

        Assert.Equal(" world.", text);
    }

    private static (string Text, List<string> Pieces) Stream(ITokenizer tokenizer, IReadOnlyList<int> prompt, int[] generated, bool skipSpecialTokens)
    {
        var detokenizer = tokenizer.CreateStreamingDetokenizer(prompt, skipSpecialTokens);
        var pieces = generated.Select(detokenizer.Push).ToList();
        pieces.Add(detokenizer.Flush());
        return (string.Concat(pieces), pieces);
    }

    private static string ExpectedSuffix(ITokenizer tokenizer, int[] prompt, int[] generated, bool skipSpecialTokens)
    {
        var full = tokenizer.Decode([.. prompt, .. generated], skipSpecialTokens);
        var promptText = tokenizer.Decode(prompt, skipSpecialTokens);
        return full[Math.Min(promptText.Length, full.Length)..];
    }

    /// <summary>Ids that stress the detokenizer: single bytes, special tokens, spaces and punctuation, pieces of emoji.</summary>
    private static List<int> IdPool(ITokenizer tokenizer, string model)
    {
        var pool = new List<int>();
        if (model == SharedTokenizers.Llama)
        {
            pool.AddRange(Enumerable.Range(0, 3));
            pool.AddRange(Enumerable.Range(0, 256).Select(b => tokenizer.TokenToId($"<0x{b:X2}>")!.Value));
        }
        else
        {
            pool.Add(tokenizer.TokenToId("<|endoftext|>")!.Value);
            pool.AddRange(Enumerable.Range(0, 256)); // GPT-2 gives the 256 single-byte tokens the first ids
        }

        foreach (var text in new[] { " ", ".", ",", "'", " '", "n", "t", "s", "'s", "?", "  ", Emoji })
        {
            pool.AddRange(tokenizer.Encode(text, addSpecialTokens: false));
        }

        return pool;
    }
}
