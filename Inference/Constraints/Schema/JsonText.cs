using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Platform.Inference.Constraints.Schema;

/// <summary>Compact JSON text for literals the grammar must reproduce byte for byte.</summary>
internal static class JsonText
{
    private static readonly JsonWriterOptions CompactWriter = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    public static string Compact(JsonElement value)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, CompactWriter))
        {
            value.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Quote(string text) => JsonSerializer.Serialize(text, Relaxed);
}
