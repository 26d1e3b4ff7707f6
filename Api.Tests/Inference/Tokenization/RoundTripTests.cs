namespace Platform.Api.Tests.Inference.Tokenization;

/// <summary>Encoding then decoding gives the text back (texts avoid " ." and the like, which GPT-2's clean-up rewrites).</summary>
public sealed class RoundTripTests(SharedTokenizers tokenizers) : IClassFixture<SharedTokenizers>
{
    private static readonly string[] Texts =
    [
        "Hello world",
        "naïve café, déjà vu",
        "日本語のテキスト and 中文",
        "emoji 🤖🚀 family 👩‍👩‍👧‍👦",
        "tabs\tand\nnewlines\r\n",
        "   leading and trailing   ",
        "numbers 123 4.5 6,789",
        "def f(x):\n    return x**2",
        "I'm sure it's what we've done",
        "Ελληνικά και русский",
        "math 𝐀𝐁𝐂 and ½ ⅔",
        "zero\u200bwidth\u00a0nbsp",
        "x",
        "",
    ];

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var model in new[] { SharedTokenizers.Gpt2, SharedTokenizers.Llama })
        {
            for (var i = 0; i < Texts.Length; i++)
            {
                data.Add(model, i);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decode_EncodedText_ReturnsOriginalText(string model, int index)
    {
        var tokenizer = tokenizers[model];
        var text = Texts[index];

        var ids = tokenizer.Encode(text);

        Assert.Equal(text, tokenizer.Decode(ids, skipSpecialTokens: true));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Stream_EncodedText_ReturnsOriginalText(string model, int index)
    {
        var tokenizer = tokenizers[model];
        var text = Texts[index];
        var ids = tokenizer.Encode(text);
        var detokenizer = tokenizer.CreateStreamingDetokenizer([]);

        var streamed = string.Concat(ids.Select(detokenizer.Push)) + detokenizer.Flush();

        Assert.Equal(text, streamed);
    }
}
