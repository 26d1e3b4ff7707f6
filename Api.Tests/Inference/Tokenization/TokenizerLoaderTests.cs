using System.Text.Json.Nodes;
using Platform.Api.Tests.Support;
using Platform.Inference.Tokenization;

namespace Platform.Api.Tests.Inference.Tokenization;

/// <summary>Bad folders fail with a <see cref="TokenizerLoadException"/> that names the file and the field.</summary>
public sealed class TokenizerLoaderTests
{
    private const string MinimalTokenizer = """
        {
          "added_tokens": [{ "id": 3, "content": "<s>", "special": true }],
          "normalizer": null,
          "pre_tokenizer": null,
          "post_processor": null,
          "decoder": null,
          "model": { "type": "BPE", "vocab": { "a": 0, "b": 1, "ab": 2 }, "merges": ["a b"] }
        }
        """;

    [Fact]
    public void Load_SharedModels_Succeed()
    {
        Assert.Equal(50295, TokenizerLoader.Load(SharedData.Model(SharedTokenizers.Gpt2)).VocabularySize);
        Assert.Equal(32000, TokenizerLoader.Load(SharedData.Model(SharedTokenizers.Llama)).VocabularySize);
    }

    [Fact]
    public void Load_MinimalTokenizer_EncodesWithMerges()
    {
        using var folder = new TempFolder();
        folder.Write("tokenizer.json", MinimalTokenizer);

        var tokenizer = TokenizerLoader.Load(folder.Path);

        Assert.Equal([2, 3, 0], tokenizer.Encode("ab<s>a"));
        Assert.Equal("ab <s> a", tokenizer.Decode([2, 3, 0], skipSpecialTokens: false));
        Assert.Equal("ab a", tokenizer.Decode([2, 3, 0]));
    }

    [Fact]
    public void Load_MissingFolder_ThrowsNamingTokenizerJson()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-tokenizer-{Guid.NewGuid():N}");

        var error = Assert.Throws<TokenizerLoadException>(() => TokenizerLoader.Load(missing));

        Assert.Contains("tokenizer.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FolderWithoutTokenizerJson_ThrowsNamingTokenizerJson()
    {
        using var folder = new TempFolder();
        folder.Write("tokenizer_config.json", "{}");

        var error = Assert.Throws<TokenizerLoadException>(() => TokenizerLoader.Load(folder.Path));

        Assert.Contains("tokenizer.json", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tokenizer.json")]
    [InlineData("tokenizer_config.json")]
    public void Load_InvalidJson_ThrowsNamingFile(string fileName)
    {
        using var folder = new TempFolder();
        folder.Write("tokenizer.json", MinimalTokenizer);
        folder.Write(fileName, "{ \"model\": ");

        var error = Assert.Throws<TokenizerLoadException>(() => TokenizerLoader.Load(folder.Path));

        Assert.StartsWith(fileName + ":", error.Message, StringComparison.Ordinal);
        Assert.Contains("JSON", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("model", """{ "type": "Unigram", "vocab": [] }""", "model.type")]
    [InlineData("model", """{ "type": "BPE", "merges": [] }""", "model.vocab")]
    [InlineData("model", """{ "type": "BPE", "vocab": { "a": 0 }, "merges": ["a b"] }""", "model.merges[0]")]
    [InlineData("model", """{ "type": "BPE", "vocab": { "a": "zero" }, "merges": [] }""", "model.vocab.a")]
    [InlineData("normalizer", """{ "type": "NFKC" }""", "normalizer.type")]
    [InlineData("normalizer", """{ "type": "Sequence", "normalizers": [{ "type": "Lowercase" }] }""", "normalizer.normalizers[0].type")]
    [InlineData("normalizer", """{ "type": "Replace", "pattern": { "Regex": "\\s+" }, "content": " " }""", "normalizer.pattern.Regex")]
    [InlineData("pre_tokenizer", """{ "type": "Whitespace" }""", "pre_tokenizer.type")]
    [InlineData("decoder", """{ "type": "WordPiece" }""", "decoder.type")]
    [InlineData("post_processor", """{ "type": "BertProcessing" }""", "post_processor.type")]
    [InlineData("post_processor", """{ "type": "TemplateProcessing", "single": [{ "SpecialToken": { "id": "[CLS]" } }] }""", "post_processor.single[0].SpecialToken.id")]
    public void Load_UnsupportedOrInvalidComponent_ThrowsNamingFileAndField(string component, string json, string field)
    {
        using var folder = new TempFolder();
        var tokenizer = JsonNode.Parse(MinimalTokenizer)!;
        tokenizer[component] = JsonNode.Parse(json);
        folder.Write("tokenizer.json", tokenizer.ToJsonString());

        var error = Assert.Throws<TokenizerLoadException>(() => TokenizerLoader.Load(folder.Path));

        Assert.StartsWith("tokenizer.json:", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{field}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnsupportedConfigOption_ThrowsNamingConfigField()
    {
        using var folder = new TempFolder();
        folder.Write("tokenizer.json", MinimalTokenizer);
        folder.Write("tokenizer_config.json", """{ "do_lowercase_and_remove_accent": true }""");

        var error = Assert.Throws<TokenizerLoadException>(() => TokenizerLoader.Load(folder.Path));

        Assert.StartsWith("tokenizer_config.json:", error.Message, StringComparison.Ordinal);
        Assert.Contains("'do_lowercase_and_remove_accent'", error.Message, StringComparison.Ordinal);
    }

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("platform-tokenizer-").FullName;

        public void Write(string fileName, string content) => File.WriteAllText(System.IO.Path.Combine(Path, fileName), content);

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
