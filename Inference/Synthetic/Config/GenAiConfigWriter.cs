using System.Text.Json;
using Platform.Inference.Synthetic.Llama;
using Platform.Inference.Synthetic.Tokenizer;

namespace Platform.Inference.Synthetic.Config;

/// <summary>
/// Writes genai_config.json in the ONNX Runtime GenAI schema. past_present_share_buffer stays false:
/// the graph concatenates the past with the new keys and values, so presents are new, longer tensors.
/// </summary>
internal static class GenAiConfigWriter
{
    public const string FileName = "genai_config.json";

    public static void Write(string directory, SyntheticModelSpec spec, SyntheticVocabulary vocabulary, string modelFileName)
    {
        using var file = File.Create(Path.Combine(directory, FileName));
        using var json = SyntheticJson.Create(file);
        json.WriteStartObject();
        json.WriteStartObject("model");
        json.WriteNumber("bos_token_id", vocabulary.EndOfTextId);
        json.WriteNumber("context_length", spec.ContextLength);
        WriteDecoder(json, spec, modelFileName);
        json.WriteStartArray("eos_token_id");
        json.WriteNumberValue(vocabulary.ImEndId);
        json.WriteNumberValue(vocabulary.EndOfTextId);
        json.WriteEndArray();
        json.WriteNumber("pad_token_id", vocabulary.EndOfTextId);
        json.WriteString("type", "llama");
        json.WriteNumber("vocab_size", spec.VocabSize);
        json.WriteEndObject();
        WriteSearch(json, spec);
        json.WriteEndObject();
    }

    private static void WriteDecoder(Utf8JsonWriter json, SyntheticModelSpec spec, string modelFileName)
    {
        json.WriteStartObject("decoder");
        json.WriteStartObject("session_options");
        json.WriteString("log_id", "onnxruntime-genai");
        json.WriteStartArray("provider_options");
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteString("filename", modelFileName);
        json.WriteNumber("head_size", spec.HeadSize);
        json.WriteNumber("hidden_size", spec.HiddenSize);
        json.WriteStartObject("inputs");
        json.WriteString("input_ids", DecoderNames.InputIds);
        json.WriteString("attention_mask", DecoderNames.AttentionMask);
        json.WriteString("position_ids", DecoderNames.PositionIds);
        json.WriteString("past_key_names", DecoderNames.PastKeyTemplate);
        json.WriteString("past_value_names", DecoderNames.PastValueTemplate);
        json.WriteEndObject();
        json.WriteStartObject("outputs");
        json.WriteString("logits", DecoderNames.Logits);
        json.WriteString("present_key_names", DecoderNames.PresentKeyTemplate);
        json.WriteString("present_value_names", DecoderNames.PresentValueTemplate);
        json.WriteEndObject();
        json.WriteNumber("num_attention_heads", spec.Heads);
        json.WriteNumber("num_hidden_layers", spec.Layers);
        json.WriteNumber("num_key_value_heads", spec.KvHeads);
        json.WriteEndObject();
    }

    private static void WriteSearch(Utf8JsonWriter json, SyntheticModelSpec spec)
    {
        json.WriteStartObject("search");
        json.WriteBoolean("do_sample", false);
        json.WriteBoolean("early_stopping", true);
        json.WriteNumber("length_penalty", 1.0);
        json.WriteNumber("max_length", spec.ContextLength);
        json.WriteNumber("min_length", 0);
        json.WriteNumber("no_repeat_ngram_size", 0);
        json.WriteNumber("num_beams", 1);
        json.WriteNumber("num_return_sequences", 1);
        json.WriteBoolean("past_present_share_buffer", false);
        json.WriteNumber("repetition_penalty", 1.0);
        json.WriteNumber("temperature", 1.0);
        json.WriteNumber("top_k", 50);
        json.WriteNumber("top_p", 1.0);
        json.WriteEndObject();
    }
}
