namespace Platform.Api.Tests.Inference.Tokenization;

/// <summary>Every case of tokenizer-vectors.json: ids from Encode (special tokens added) and text from Decode (special tokens kept).</summary>
public sealed class TokenizerVectorTests(SharedTokenizers tokenizers) : IClassFixture<SharedTokenizers>
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var vector in ReferenceVectors.TokenizerCases())
        {
            data.Add(vector.Model, vector.Index);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Encode_ReferenceText_MatchesReferenceIds(string model, int index)
    {
        var vector = Find(model, index);

        var ids = tokenizers[model].Encode(vector.Text);

        Assert.Equal(vector.Ids, ids);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decode_ReferenceIdsKeepingSpecialTokens_MatchesReferenceText(string model, int index)
    {
        var vector = Find(model, index);

        var text = tokenizers[model].Decode(vector.Ids, skipSpecialTokens: false);

        Assert.Equal(vector.Decoded, text);
    }

    private static TokenizerCase Find(string model, int index) =>
        ReferenceVectors.TokenizerCases().Single(c => c.Model == model && c.Index == index);
}
