using System.Collections.Frozen;
using System.Text.Json;

namespace Platform.Api.Tests.Support;

/// <summary>
/// The keywords <see cref="SchemaValidator"/> applies and the ones it knowingly ignores. Loading a spec checks every
/// schema against these lists, so a keyword the validator would silently skip (say a future <c>prefixItems</c>) or a
/// dangling <c>$ref</c> fails the load instead of letting wrong JSON pass.
/// </summary>
internal static class SchemaKeywords
{
    public static readonly FrozenSet<string> Applied = FrozenSet.Create(
        StringComparer.Ordinal,
        "$ref", "$recursiveRef", "allOf", "anyOf", "oneOf", "not", "nullable",
        "type", "enum", "const", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern",
        "properties", "required", "additionalProperties", "propertyNames", "minProperties", "maxProperties", "items", "minItems", "maxItems");

    /// <summary>
    /// Annotations (no effect on validity), plus <c>format</c> (an annotation in 2020-12; the spec's are unixtime, date,
    /// uri, binary...), <c>discriminator</c> (a hint: oneOf's own rule already decides) and three misspellings in
    /// OpenAI's spec (<c>optional</c>, <c>min_items</c>, <c>max_items</c>) that are no keywords at all.
    /// Names starting with <c>x-</c> are vendor extensions and ignored too.
    /// </summary>
    public static readonly FrozenSet<string> Ignored = FrozenSet.Create(
        StringComparer.Ordinal,
        "title", "description", "default", "example", "examples", "deprecated", "readOnly", "writeOnly",
        "format", "discriminator", "$recursiveAnchor", "$comment", "optional", "min_items", "max_items");

    /// <summary>Unknown keywords and references that do not resolve, anywhere inside <paramref name="schema"/>.</summary>
    public static IEnumerable<string> Problems(string location, JsonElement schema, Func<string, bool> schemaExists)
    {
        if (schema.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            yield break;
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            yield return $"{location}: a schema must be an object or a boolean, not {schema.ValueKind}";
            yield break;
        }

        foreach (var keyword in schema.EnumerateObject())
        {
            var name = keyword.Name;
            if (!Applied.Contains(name) && !Ignored.Contains(name) && !name.StartsWith("x-", StringComparison.Ordinal))
            {
                yield return $"{location}: keyword '{name}' is neither applied nor knowingly ignored";
            }

            var problems = name switch
            {
                "$ref" => ReferenceProblems(location, keyword.Value, schemaExists),
                "$recursiveRef" when keyword.Value.GetString() != "#" => [$"{location}: only `$recursiveRef: '#'` is supported"],
                "properties" => keyword.Value.EnumerateObject().SelectMany(p => Problems($"{location}/properties/{p.Name}", p.Value, schemaExists)),
                "allOf" or "anyOf" or "oneOf" => keyword.Value.EnumerateArray().SelectMany((s, i) => Problems($"{location}/{name}/{i}", s, schemaExists)),
                "items" or "additionalProperties" or "not" or "propertyNames" => Problems($"{location}/{name}", keyword.Value, schemaExists),
                _ => [],
            };
            foreach (var problem in problems)
            {
                yield return problem;
            }
        }
    }

    private static IEnumerable<string> ReferenceProblems(string location, JsonElement reference, Func<string, bool> schemaExists)
    {
        string? problem;
        try
        {
            var target = SchemaValidator.ReferencedName(reference.GetString()!);
            problem = schemaExists(target) ? null : $"{location}: $ref '{reference.GetString()}' does not resolve";
        }
        catch (NotSupportedException e)
        {
            problem = $"{location}: {e.Message}";
        }

        return problem is null ? [] : [problem];
    }
}
