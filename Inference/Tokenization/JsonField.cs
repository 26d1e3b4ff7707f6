using System.Globalization;
using System.Text.Json;

namespace Platform.Inference.Tokenization;

/// <summary>
/// A JSON value together with the file and dotted path it came from, so that every load error can name both.
/// </summary>
internal readonly record struct JsonField(JsonElement Element, string File, string Path)
{
    public JsonValueKind Kind => Element.ValueKind;

    public bool IsNull => Element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined;

    /// <summary>The named property, or null when it is absent or JSON null.</summary>
    public JsonField? Optional(string name)
    {
        if (Element.ValueKind != JsonValueKind.Object)
        {
            throw Error("must be an object");
        }

        return Element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? new JsonField(value, File, Child(name))
            : null;
    }

    public JsonField Required(string name) =>
        Optional(name) ?? throw new TokenizerLoadException($"{File}: field '{Child(name)}' is missing.");

    public string AsString() =>
        Element.ValueKind == JsonValueKind.String ? Element.GetString()! : throw Error("must be a string");

    public int AsInt() =>
        Element.ValueKind == JsonValueKind.Number && Element.TryGetInt32(out var value) ? value : throw Error("must be a 32-bit integer");

    public bool AsBool() => Element.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Error("must be true or false"),
    };

    public string? OptionalString(string name) => Optional(name)?.AsString();

    public bool OptionalBool(string name, bool fallback) => Optional(name)?.AsBool() ?? fallback;

    public int OptionalInt(string name, int fallback) => Optional(name)?.AsInt() ?? fallback;

    public IEnumerable<JsonField> Items()
    {
        if (Element.ValueKind != JsonValueKind.Array)
        {
            throw Error("must be an array");
        }

        return Enumerate(this);

        static IEnumerable<JsonField> Enumerate(JsonField array)
        {
            var index = 0;
            foreach (var item in array.Element.EnumerateArray())
            {
                yield return new JsonField(item, array.File, $"{array.Path}[{index.ToString(CultureInfo.InvariantCulture)}]");
                index++;
            }
        }
    }

    public IEnumerable<(string Name, JsonField Value)> Properties()
    {
        if (Element.ValueKind != JsonValueKind.Object)
        {
            throw Error("must be an object");
        }

        return Enumerate(this);

        static IEnumerable<(string, JsonField)> Enumerate(JsonField obj)
        {
            foreach (var property in obj.Element.EnumerateObject())
            {
                yield return (property.Name, new JsonField(property.Value, obj.File, obj.Child(property.Name)));
            }
        }
    }

    public TokenizerLoadException Error(string problem) => new($"{File}: field '{Path}' {problem}.");

    public TokenizerLoadException Unsupported(string what) =>
        new($"{File}: field '{Path}' has unsupported {what}.");

    private string Child(string name) => Path.Length == 0 ? name : $"{Path}.{name}";
}
