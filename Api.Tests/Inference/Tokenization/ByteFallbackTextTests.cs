namespace Platform.Api.Tests.Inference.Tokenization;

/// <summary>
/// A stray byte-fallback token (a lone <c>&lt;0xE2&gt;</c>, the first byte of a three-byte character, with no
/// continuation) in generated ids. ONNX Runtime GenAI 0.18's decode drops everything after it (measured by the
/// bench on tiny-random-llama); ours shows the byte as U+FFFD, as Hugging Face tokenizers do, and keeps the rest.
/// (Llama's normaliser puts a word's leading space in itself: "world" encodes as "▁world".)
/// </summary>
public sealed class ByteFallbackTextTests(SharedTokenizers tokenizers) : IClassFixture<SharedTokenizers>
{
    [Fact]
    public void Decode_StrayByteFallbackToken_KeepsTheTextAfterIt()
    {
        var tokenizer = tokenizers[SharedTokenizers.Llama];
        var stray = tokenizer.TokenToId("<0xE2>")!.Value;
        int[] ids = [.. tokenizer.Encode("Hello", addSpecialTokens: false), stray, .. tokenizer.Encode("world, again", addSpecialTokens: false)];

        var text = tokenizer.Decode(ids);

        Assert.Equal("Hello\uFFFD world, again", text);
    }

    [Fact]
    public void StreamingDetokenizer_StrayByteFallbackToken_KeepsTheTextAfterIt()
    {
        var tokenizer = tokenizers[SharedTokenizers.Llama];
        var stray = tokenizer.TokenToId("<0xE2>")!.Value;
        var prompt = tokenizer.Encode("Say:");
        int[] generated = [.. tokenizer.Encode("Hello", addSpecialTokens: false), stray, .. tokenizer.Encode("world", addSpecialTokens: false)];

        var detokenizer = tokenizer.CreateStreamingDetokenizer(prompt);
        var text = string.Concat(generated.Select(detokenizer.Push)) + detokenizer.Flush();

        Assert.Equal(" Hello\uFFFD world", text);
    }
}
