namespace Platform.Inference.Synthetic.Tokenizer;

/// <summary>Writes tokenizer_config.json: special tokens, no BOS added, and Qwen2.5's ChatML chat template (with tools).</summary>
internal static class TokenizerConfigWriter
{
    public const string FileName = "tokenizer_config.json";

    public static void Write(string directory, SyntheticVocabulary vocabulary, int contextLength)
    {
        using var file = File.Create(Path.Combine(directory, FileName));
        using var json = SyntheticJson.Create(file);
        json.WriteStartObject();
        json.WriteBoolean("add_bos_token", false);
        json.WriteBoolean("add_eos_token", false);
        json.WriteStartObject("added_tokens_decoder");
        for (var id = vocabulary.EndOfTextId; id < vocabulary.Tokens.Count; id++)
        {
            json.WriteStartObject(id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("content", vocabulary.Tokens[id]);
            json.WriteBoolean("lstrip", false);
            json.WriteBoolean("normalized", false);
            json.WriteBoolean("rstrip", false);
            json.WriteBoolean("single_word", false);
            json.WriteBoolean("special", true);
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteStartArray("additional_special_tokens");
        json.WriteStringValue(SyntheticVocabulary.ImStart);
        json.WriteStringValue(SyntheticVocabulary.ImEnd);
        json.WriteEndArray();
        json.WriteString("bos_token", SyntheticVocabulary.EndOfText);
        json.WriteString("chat_template", Qwen25ChatTemplate.Source);
        json.WriteBoolean("clean_up_tokenization_spaces", false);
        json.WriteString("eos_token", SyntheticVocabulary.ImEnd);
        json.WriteNumber("model_max_length", contextLength);
        json.WriteString("pad_token", SyntheticVocabulary.EndOfText);
        json.WriteString("tokenizer_class", "PreTrainedTokenizerFast");
        json.WriteNull("unk_token");
        json.WriteEndObject();
    }
}
