using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Platform.Api.Tests.Support;

/// <summary>Keywords about a value itself: its type, its literal (enum, const), numeric bounds and string shape.</summary>
internal sealed partial class SchemaValidator
{
    private readonly ConcurrentDictionary<string, Regex> _patterns = new(StringComparer.Ordinal);

    private void EvaluateValue(string keyword, JsonElement value, JsonElement schema, JsonElement instance, string path, List<SchemaError> errors)
    {
        switch (keyword)
        {
            case "type":
                if (!TypeAllows(schema, instance))
                {
                    List<string> allowed = value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray().Select(t => t.GetString()!)] : [value.GetString()!];
                    errors.Add(new SchemaError(path, $"expected {string.Join(" or ", allowed)}, found {Describe(instance)}", IsMismatch: true));
                }

                break;
            case "enum" when TypeAllows(schema, instance): // a wrong type is reported once, by `type`
                if (!value.EnumerateArray().Any(option => JsonElement.DeepEquals(option, instance)))
                {
                    var options = string.Join(", ", value.EnumerateArray().Take(12).Select(o => o.GetRawText()));
                    errors.Add(new SchemaError(path, $"{Describe(instance)} is not one of the allowed values: {options}{(value.GetArrayLength() > 12 ? ", ..." : "")}", IsMismatch: true));
                }

                break;
            case "const" when TypeAllows(schema, instance):
                if (!JsonElement.DeepEquals(value, instance))
                {
                    errors.Add(new SchemaError(path, $"must be {value.GetRawText()}, found {Describe(instance)}", IsMismatch: true));
                }

                break;
            case "minimum" or "maximum" or "exclusiveMinimum" or "exclusiveMaximum" when instance.ValueKind == JsonValueKind.Number:
                CheckBound(keyword, value, schema, instance.GetDouble(), path, errors);
                break;
            case "minLength" or "maxLength" when instance.ValueKind == JsonValueKind.String:
                CheckCount(instance.GetString()!.EnumerateRunes().Count(), value, atLeast: keyword == "minLength", "characters", path, errors);
                break;
            case "pattern" when instance.ValueKind == JsonValueKind.String:
                var pattern = value.GetString()!;
                var regex = _patterns.GetOrAdd(pattern, p => new Regex(p, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));
                if (!regex.IsMatch(instance.GetString()!))
                {
                    errors.Add(new SchemaError(path, $"{Describe(instance)} does not match the pattern {pattern}"));
                }

                break;
            default:
                break;
        }
    }

    /// <summary>
    /// 2020-12 bounds, plus OpenAPI 3.0's boolean <c>exclusiveMinimum: true</c> / <c>exclusiveMaximum: true</c>, which
    /// make the sibling <c>minimum</c> / <c>maximum</c> exclusive (the spec uses that form).
    /// </summary>
    private static void CheckBound(string keyword, JsonElement limit, JsonElement schema, double number, string path, List<SchemaError> errors)
    {
        if (limit.ValueKind != JsonValueKind.Number)
        {
            return; // the boolean 3.0 form: read by minimum/maximum below
        }

        var bound = limit.GetDouble();
        var exclusive = keyword.StartsWith("exclusive", StringComparison.Ordinal)
            || (schema.TryGetProperty(keyword == "minimum" ? "exclusiveMinimum" : "exclusiveMaximum", out var flag) && flag.ValueKind == JsonValueKind.True);
        var lower = keyword is "minimum" or "exclusiveMinimum";
        var inside = lower ? (exclusive ? number > bound : number >= bound) : (exclusive ? number < bound : number <= bound);
        if (!inside)
        {
            var relation = (lower ? "greater than" : "less than") + (exclusive ? "" : " or equal to");
            errors.Add(new SchemaError(path, string.Create(CultureInfo.InvariantCulture, $"{number} must be {relation} {bound}")));
        }
    }

    private static bool TypeAllows(JsonElement schema, JsonElement instance) =>
        !schema.TryGetProperty("type", out var type)
        || (type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Any(t => HasType(instance, t.GetString()!)) : HasType(instance, type.GetString()!));

    private static bool HasType(JsonElement instance, string type) => type switch
    {
        "string" => instance.ValueKind == JsonValueKind.String,
        "number" => instance.ValueKind == JsonValueKind.Number,
        "integer" => instance.ValueKind == JsonValueKind.Number && IsIntegral(instance),
        "boolean" => instance.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "object" => instance.ValueKind == JsonValueKind.Object,
        "array" => instance.ValueKind == JsonValueKind.Array,
        "null" => instance.ValueKind == JsonValueKind.Null,
        _ => throw new InvalidDataException($"Unknown JSON Schema type '{type}'."),
    };

    /// <summary>As in JSON Schema, 3 and 3.0 are integers; 3.5 is not.</summary>
    private static bool IsIntegral(JsonElement number) =>
        number.TryGetInt64(out _) || (number.TryGetDouble(out var d) && double.IsFinite(d) && Math.Floor(d) == d);

    private static string Describe(JsonElement instance) => instance.ValueKind switch
    {
        JsonValueKind.String => "string " + Shorten(instance.GetRawText()),
        JsonValueKind.Number => "number " + Shorten(instance.GetRawText()),
        JsonValueKind.True or JsonValueKind.False => "boolean " + instance.GetRawText(),
        JsonValueKind.Null => "null",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => instance.ValueKind.ToString(),
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 37), "...");
}
