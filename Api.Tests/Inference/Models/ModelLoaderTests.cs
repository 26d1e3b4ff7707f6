using Platform.Api.Tests.Support;
using Platform.Inference.Models;
using Platform.Inference.Ort;

namespace Platform.Api.Tests.Inference.Models;

[Collection(OrtTests.Name)]
public sealed class ModelLoaderTests(OrtFixture ort)
{
    [Fact]
    public void Load_SharedModels_ReadsBothKvLayouts()
    {
        using var gpt2 = TestModels.LoadShared(ort, "tiny-random-gpt2");
        using var llama = TestModels.LoadShared(ort, "tiny-random-llama");

        Assert.Equal(KvLayout.Combined, gpt2.Pool.Signature.KvLayout);
        Assert.Equal(1000, gpt2.Pool.Signature.VocabularySize);
        Assert.Equal(TensorElementType.Int32, gpt2.Pool.Signature.IdsType);
        Assert.Equal(KvLayout.SeparateKeyValue, llama.Pool.Signature.KvLayout);
        Assert.Equal(TensorElementType.Float16, llama.Pool.Signature.KvType);
        Assert.Equal([1], llama.Config.EosTokenIds);
        Assert.Equal("CPUExecutionProvider", llama.ExecutionProvider);
    }

    [Fact]
    public void Load_MissingGenAiConfig_NamesModelAndFile()
    {
        var folder = TestModels.CopyWithLinks(SharedData.Model("tiny-random-llama"), "genai_config.json");
        var ex = Assert.Throws<ModelLoadException>(() => TestModels.Load(ort, folder));
        Assert.Equal("genai_config.json", ex.File);
        Assert.Contains(Path.GetFileName(folder), ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ not json", null)]
    [InlineData("""{"model":{"vocab_size":10,"eos_token_id":1,"decoder":{"filename":"model.onnx","num_hidden_layers":2}}}""", "model.context_length")]
    [InlineData("""{"model":{"context_length":0,"vocab_size":10,"eos_token_id":1,"decoder":{"filename":"model.onnx","num_hidden_layers":2}}}""", "model.context_length")]
    [InlineData("""{"model":{"context_length":64,"vocab_size":10,"eos_token_id":1,"decoder":{"filename":"missing.onnx","num_hidden_layers":2}}}""", "model.decoder.filename")]
    [InlineData("""{"model":{"context_length":64,"vocab_size":10,"eos_token_id":"x","decoder":{"filename":"model.onnx","num_hidden_layers":2}}}""", "model.eos_token_id")]
    [InlineData("""{"model":{"context_length":64,"vocab_size":10,"eos_token_id":1,"decoder":{"filename":"model.onnx","num_hidden_layers":2,"inputs":{"past_key_names":"past.%d.k"}}}}""", "model.decoder.inputs.past_key_names")]
    [InlineData("""{"model":{"context_length":64,"vocab_size":10,"eos_token_id":1,"decoder":{"filename":"model.onnx","num_hidden_layers":2,"inputs":{"past_names":"past_%d"}}}}""", "model.decoder.outputs.present_names")]
    public void Load_BadGenAiConfig_NamesTheField(string json, string? field)
    {
        var folder = TestModels.CopyWithLinks(SharedData.Model("tiny-random-llama"), "genai_config.json");
        File.WriteAllText(Path.Combine(folder, "genai_config.json"), json);

        var ex = Assert.Throws<ModelLoadException>(() => TestModels.Load(ort, folder));

        Assert.Equal("genai_config.json", ex.File);
        Assert.Equal(field, ex.Field);
        Assert.Contains(Path.GetFileName(folder), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingTokenizer_NamesTheFile()
    {
        var folder = TestModels.CopyWithLinks(SharedData.Model("tiny-random-gpt2"), "tokenizer.json");
        var ex = Assert.Throws<ModelLoadException>(() => TestModels.Load(ort, folder));
        Assert.Contains("tokenizer.json", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CorruptDecoder_ReportsOrtMessage()
    {
        var folder = TestModels.CopyWithLinks(SharedData.Model("tiny-random-gpt2"), "past.onnx");
        File.WriteAllText(Path.Combine(folder, "past.onnx"), "garbage");
        var ex = Assert.Throws<ModelLoadException>(() => TestModels.Load(ort, folder));
        Assert.Equal("past.onnx", ex.File);
    }
}
