using System.Text.Encodings.Web;
using System.Text.Json;

namespace Platform.Inference.Synthetic;

/// <summary>How the folder's JSON files are written.</summary>
internal static class SyntheticJson
{
    /// <summary>Indented, and without escaping 'Ġ' and other non-ASCII tokens, so the files read like published ones.</summary>
    public static JsonWriterOptions Options { get; } = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Utf8JsonWriter Create(Stream output) => new(output, Options);
}
