using System.Text.Json;

namespace Platform.Inference.Synthetic.Tokenizer;

/// <summary>
/// Writes tokenizer.json in the Hugging Face tokenizers format: a byte-level BPE model with the ByteLevel
/// pre-tokenizer, post-processor and decoder (as GPT-2 and Qwen use), the special tokens as added tokens.
/// </summary>
internal static class TokenizerJsonWriter
{
    public const string FileName = "tokenizer.json";

    public static void Write(string directory, SyntheticVocabulary vocabulary)
    {
        using var file = File.Create(Path.Combine(directory, FileName));
        using var json = SyntheticJson.Create(file);
        json.WriteStartObject();
        json.WriteString("version", "1.0");
        json.WriteNull("truncation");
        json.WriteNull("padding");
        WriteAddedTokens(json, vocabulary);
        json.WriteNull("normalizer");
        WriteByteLevel(json, "pre_tokenizer", addPrefixSpace: false, trimOffsets: true);
        WriteByteLevel(json, "post_processor", addPrefixSpace: false, trimOffsets: false);
        WriteByteLevel(json, "decoder", addPrefixSpace: true, trimOffsets: true);
        WriteModel(json, vocabulary);
        json.WriteEndObject();
    }

    private static void WriteAddedTokens(Utf8JsonWriter json, SyntheticVocabulary vocabulary)
    {
        json.WriteStartArray("added_tokens");
        for (var id = vocabulary.EndOfTextId; id < vocabulary.Tokens.Count; id++)
        {
            json.WriteStartObject();
            json.WriteNumber("id", id);
            json.WriteString("content", vocabulary.Tokens[id]);
            json.WriteBoolean("single_word", false);
            json.WriteBoolean("lstrip", false);
            json.WriteBoolean("rstrip", false);
            json.WriteBoolean("normalized", false);
            json.WriteBoolean("special", true);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteByteLevel(Utf8JsonWriter json, string name, bool addPrefixSpace, bool trimOffsets)
    {
        json.WriteStartObject(name);
        json.WriteString("type", "ByteLevel");
        json.WriteBoolean("add_prefix_space", addPrefixSpace);
        json.WriteBoolean("trim_offsets", trimOffsets);
        json.WriteBoolean("use_regex", true);
        json.WriteEndObject();
    }

    private static void WriteModel(Utf8JsonWriter json, SyntheticVocabulary vocabulary)
    {
        json.WriteStartObject("model");
        json.WriteString("type", "BPE");
        json.WriteNull("dropout");
        json.WriteNull("unk_token");
        json.WriteNull("continuing_subword_prefix");
        json.WriteNull("end_of_word_suffix");
        json.WriteBoolean("fuse_unk", false);
        json.WriteBoolean("byte_fallback", false);
        json.WriteBoolean("ignore_merges", false);
        json.WriteStartObject("vocab");
        for (var id = 0; id < vocabulary.Tokens.Count; id++)
        {
            json.WriteNumber(vocabulary.Tokens[id], id);
        }

        json.WriteEndObject();

        // "left right" strings: byte-level tokens never contain a space, and every loader reads this form.
        json.WriteStartArray("merges");
        foreach (var (left, right) in vocabulary.Merges)
        {
            json.WriteStringValue($"{left} {right}");
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
