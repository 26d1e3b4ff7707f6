using System.Text.Json;
using Platform.Inference.Synthetic;
using Platform.Inference.Synthetic.Tokenizer;

namespace Platform.Api.Tests.Inference.Synthetic;

/// <summary>The JSON files of a synthetic model folder: GenAI config, tokenizer config and the HF tokenizer.</summary>
public sealed class SyntheticFolderJsonTests : IDisposable
{
    private static readonly SyntheticModelSpec Spec = SyntheticModelSpec.Tiny();
    private readonly TempDirectory _folder = new();

    public SyntheticFolderJsonTests() => SyntheticModelWriter.Write(_folder.Path, Spec);

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void GenAiConfig_Model_HasTokenIdsSizesAndDecoderNames()
    {
        using var json = Read("genai_config.json");
        var model = json.RootElement.GetProperty("model");

        Assert.Equal("llama", model.GetProperty("type").GetString());
        Assert.Equal(Spec.VocabSize, model.GetProperty("vocab_size").GetInt32());
        Assert.Equal(Spec.ContextLength, model.GetProperty("context_length").GetInt32());
        Assert.Equal(Spec.VocabSize - 3, model.GetProperty("bos_token_id").GetInt32());
        Assert.Equal(Spec.VocabSize - 3, model.GetProperty("pad_token_id").GetInt32());
        Assert.Equal([Spec.VocabSize - 1, Spec.VocabSize - 3], model.GetProperty("eos_token_id").EnumerateArray().Select(e => e.GetInt32()));

        var decoder = model.GetProperty("decoder");
        Assert.Equal("model.onnx", decoder.GetProperty("filename").GetString());
        Assert.Equal(Spec.HeadSize, decoder.GetProperty("head_size").GetInt32());
        Assert.Equal(Spec.HiddenSize, decoder.GetProperty("hidden_size").GetInt32());
        Assert.Equal(Spec.Heads, decoder.GetProperty("num_attention_heads").GetInt32());
        Assert.Equal(Spec.KvHeads, decoder.GetProperty("num_key_value_heads").GetInt32());
        Assert.Equal(Spec.Layers, decoder.GetProperty("num_hidden_layers").GetInt32());
        Assert.Equal(0, decoder.GetProperty("session_options").GetProperty("provider_options").GetArrayLength());
        var inputs = decoder.GetProperty("inputs");
        Assert.Equal("input_ids", inputs.GetProperty("input_ids").GetString());
        Assert.Equal("attention_mask", inputs.GetProperty("attention_mask").GetString());
        Assert.Equal("position_ids", inputs.GetProperty("position_ids").GetString());
        Assert.Equal("past_key_values.%d.key", inputs.GetProperty("past_key_names").GetString());
        Assert.Equal("past_key_values.%d.value", inputs.GetProperty("past_value_names").GetString());
        var outputs = decoder.GetProperty("outputs");
        Assert.Equal("logits", outputs.GetProperty("logits").GetString());
        Assert.Equal("present.%d.key", outputs.GetProperty("present_key_names").GetString());
        Assert.Equal("present.%d.value", outputs.GetProperty("present_value_names").GetString());
    }

    [Fact]
    public void GenAiConfig_Search_HasMaxLengthAndNoSharedBuffer()
    {
        using var json = Read("genai_config.json");
        var search = json.RootElement.GetProperty("search");

        Assert.Equal(Spec.ContextLength, search.GetProperty("max_length").GetInt32());
        Assert.False(search.GetProperty("past_present_share_buffer").GetBoolean());
        Assert.False(search.GetProperty("do_sample").GetBoolean());
    }

    [Fact]
    public void TokenizerConfig_HasQwen25TemplateEosImEndAndNoBos()
    {
        using var json = Read("tokenizer_config.json");
        var root = json.RootElement;

        Assert.False(root.GetProperty("add_bos_token").GetBoolean());
        Assert.Equal("<|endoftext|>", root.GetProperty("bos_token").GetString());
        Assert.Equal("<|im_end|>", root.GetProperty("eos_token").GetString());
        Assert.Equal(Qwen25ChatTemplate.Source, root.GetProperty("chat_template").GetString());
        Assert.Equal("<|im_end|>", root.GetProperty("added_tokens_decoder").GetProperty($"{Spec.VocabSize - 1}").GetProperty("content").GetString());
    }

    [Fact]
    public void TokenizerJson_IsByteLevelBpeWithTheSpecsVocabSize()
    {
        using var json = Read("tokenizer.json");
        var root = json.RootElement;

        Assert.Equal("ByteLevel", root.GetProperty("pre_tokenizer").GetProperty("type").GetString());
        Assert.False(root.GetProperty("pre_tokenizer").GetProperty("add_prefix_space").GetBoolean());
        Assert.True(root.GetProperty("pre_tokenizer").GetProperty("use_regex").GetBoolean());
        Assert.Equal("ByteLevel", root.GetProperty("decoder").GetProperty("type").GetString());
        Assert.Equal("ByteLevel", root.GetProperty("post_processor").GetProperty("type").GetString());
        var model = root.GetProperty("model");
        Assert.Equal("BPE", model.GetProperty("type").GetString());
        var vocab = model.GetProperty("vocab").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        Assert.Equal(Spec.VocabSize, vocab.Count);
        Assert.Equal(Enumerable.Range(0, Spec.VocabSize), vocab.Values.Order());
        Assert.Equal(0, vocab["Ā"]); // byte 0 in the byte-level alphabet
        Assert.Equal(32, vocab["Ġ"]); // space
        Assert.Equal(65, vocab["A"]);
    }

    [Fact]
    public void TokenizerJson_EveryMergeJoinsKnownTokensIntoTheNextId()
    {
        using var json = Read("tokenizer.json");
        var model = json.RootElement.GetProperty("model");
        var vocab = model.GetProperty("vocab").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        var merges = model.GetProperty("merges").EnumerateArray().Select(m => m.GetString()!.Split(' ')).ToList();

        Assert.Equal(Spec.VocabSize - 256 - 3, merges.Count);
        for (var rank = 0; rank < merges.Count; rank++)
        {
            Assert.Equal(2, merges[rank].Length);
            Assert.True(vocab[merges[rank][0]] < 256 + rank && vocab[merges[rank][1]] < 256 + rank);
            Assert.Equal(256 + rank, vocab[merges[rank][0] + merges[rank][1]]);
        }
    }

    [Fact]
    public void TokenizerJson_SpecialTokensAreAddedAtTheTop()
    {
        using var json = Read("tokenizer.json");
        var added = json.RootElement.GetProperty("added_tokens").EnumerateArray().ToList();

        Assert.Equal(["<|endoftext|>", "<|im_start|>", "<|im_end|>"], added.Select(t => t.GetProperty("content").GetString()));
        Assert.Equal([Spec.VocabSize - 3, Spec.VocabSize - 2, Spec.VocabSize - 1], added.Select(t => t.GetProperty("id").GetInt32()));
        Assert.All(added, t => Assert.True(t.GetProperty("special").GetBoolean()));
    }

    [Fact]
    public void TokenizerJson_CommonWordsFromTheSeedTextAreSingleTokens()
    {
        using var json = Read("tokenizer.json");
        var vocab = json.RootElement.GetProperty("model").GetProperty("vocab");

        Assert.True(vocab.TryGetProperty("Ġthe", out _));
        Assert.True(vocab.TryGetProperty("Ġand", out _));
    }

    private JsonDocument Read(string file) => JsonDocument.Parse(File.ReadAllBytes(_folder.Combine(file)));
}
