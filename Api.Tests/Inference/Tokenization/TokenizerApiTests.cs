using Platform.Api.Tests.Support;
using Platform.Inference.Tokenization;

namespace Platform.Api.Tests.Inference.Tokenization;

/// <summary>The rest of <see cref="ITokenizer"/>: vocabulary look-ups, special tokens, and use from many threads.</summary>
public sealed class TokenizerApiTests(SharedTokenizers tokenizers) : IClassFixture<SharedTokenizers>
{
    [Fact]
    public void VocabularySize_SharedModels_IsLargestIdPlusOne()
    {
        Assert.Equal(50295, tokenizers[SharedTokenizers.Gpt2].VocabularySize);
        Assert.Equal(32000, tokenizers[SharedTokenizers.Llama].VocabularySize);
    }

    [Fact]
    public void TokenToIdAndIdToToken_KnownAndUnknown_RoundTripOrReturnNull()
    {
        var llama = tokenizers[SharedTokenizers.Llama];

        Assert.Equal(1, llama.TokenToId("<s>"));
        Assert.Equal("<s>", llama.IdToToken(1));
        Assert.Equal("▁Hello", llama.IdToToken(15043));
        Assert.Null(llama.TokenToId("definitely not a token"));
        Assert.Null(llama.IdToToken(-1));
        Assert.Null(llama.IdToToken(llama.VocabularySize));
    }

    [Fact]
    public void IsSpecial_AddedTokens_FollowsTheirSpecialFlag()
    {
        var gpt2 = tokenizers[SharedTokenizers.Gpt2];
        var llama = tokenizers[SharedTokenizers.Llama];

        Assert.True(gpt2.IsSpecial(50256));
        Assert.False(gpt2.IsSpecial(50257));
        Assert.False(gpt2.IsSpecial(15496));
        Assert.True(llama.IsSpecial(0));
        Assert.True(llama.IsSpecial(2));
        Assert.False(llama.IsSpecial(15043));
        Assert.False(llama.IsSpecial(-5));
    }

    [Fact]
    public void Encode_WithoutSpecialTokens_LeavesOutBos()
    {
        var llama = tokenizers[SharedTokenizers.Llama];

        Assert.Equal([1, 15043, 2787], llama.Encode("Hello World"));
        Assert.Equal([15043, 2787], llama.Encode("Hello World", addSpecialTokens: false));
    }

    [Fact]
    public void Decode_DefaultSkipsSpecialTokens()
    {
        var llama = tokenizers[SharedTokenizers.Llama];

        Assert.Equal("Hello World", llama.Decode([1, 15043, 2787, 2]));
        Assert.Equal("<s> Hello World</s>", llama.Decode([1, 15043, 2787, 2], skipSpecialTokens: false));
        Assert.Equal(string.Empty, llama.Decode([]));
    }

    [Theory]
    [InlineData(SharedTokenizers.Gpt2)]
    [InlineData(SharedTokenizers.Llama)]
    public void Encode_ManyThreadsOnColdCache_MatchesSingleThread(string model)
    {
        var texts = Enumerable.Range(0, 2000)
            .Select(i => $"Request {i}: the quick brown fox {i * 7919 % 1000} jumps — über 🦊 {(char)('a' + (i % 26))}x{i}")
            .ToArray();
        var shared = TokenizerLoader.Load(SharedData.Model(model));
        var expected = texts.Select(t => tokenizers[model].Encode(t).ToArray()).ToArray();

        var actual = new int[texts.Length][];
        Parallel.For(0, texts.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => actual[i] = [.. shared.Encode(texts[i])]);

        Assert.Equal(expected, actual);
    }
}
