using Platform.Inference.Synthetic;

namespace Platform.Api.Tests.Inference.Synthetic;

public sealed class SyntheticModelWriterTests
{
    private static readonly string[] FolderFiles = ["model.onnx", "tokenizer.json", "tokenizer_config.json", "genai_config.json"];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Write_SameSpecTwice_AllFilesByteIdentical(bool float16)
    {
        using var temp = new TempDirectory();
        var spec = SyntheticModelSpec.Tiny(float16, seed: 7);

        SyntheticModelWriter.Write(temp.Combine("a"), spec);
        SyntheticModelWriter.Write(temp.Combine("b"), spec);

        foreach (var file in FolderFiles)
        {
            Assert.Equal(File.ReadAllBytes(temp.Combine("a", file)), File.ReadAllBytes(temp.Combine("b", file)));
        }
    }

    [Fact]
    public void Write_DifferentSeed_WeightsDifferTokenizerDoesNot()
    {
        using var temp = new TempDirectory();

        SyntheticModelWriter.Write(temp.Combine("a"), SyntheticModelSpec.Tiny(seed: 1));
        SyntheticModelWriter.Write(temp.Combine("b"), SyntheticModelSpec.Tiny(seed: 2));

        Assert.NotEqual(File.ReadAllBytes(temp.Combine("a", "model.onnx")), File.ReadAllBytes(temp.Combine("b", "model.onnx")));
        Assert.Equal(File.ReadAllBytes(temp.Combine("a", "tokenizer.json")), File.ReadAllBytes(temp.Combine("b", "tokenizer.json")));
    }

    [Fact]
    public void Write_InvalidSpec_ThrowsAndWritesNothing()
    {
        using var temp = new TempDirectory();
        var folder = temp.Combine("model");

        Assert.Throws<ArgumentException>(() => SyntheticModelWriter.Write(folder, SyntheticModelSpec.Tiny() with { KvHeads = 3 }));

        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public void Write_TinyDefault_FolderHasEveryFileAndNoExternalData()
    {
        using var temp = new TempDirectory();

        SyntheticModelWriter.Write(temp.Path, SyntheticModelSpec.TinyDefault);

        Assert.All(FolderFiles, file => Assert.True(File.Exists(temp.Combine(file)), file));
        Assert.False(File.Exists(temp.Combine("model.onnx.data")));
    }
}
