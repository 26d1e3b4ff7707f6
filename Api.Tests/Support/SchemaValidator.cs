using System.Text.Json;

namespace Platform.Api.Tests.Support;

/// <summary>
/// Validates JSON values against the OpenAPI 3.1 / JSON Schema 2020-12 subset that OpenAI's spec uses, walking the
/// schema as JSON. Applies every keyword it knows (see <see cref="SchemaKeywords"/>) and ignores the annotations.
/// Immutable after construction, so <see cref="Validate"/> is safe to call from many threads.
/// </summary>
internal sealed partial class SchemaValidator
{
    public const string ReferencePrefix = "#/components/schemas/";
    private const int MaxDepth = 200;

    private readonly IReadOnlyDictionary<string, JsonElement> _schemas;

    /// <param name="schemas">Every schema a <c>$ref</c> may name, by its name under <c>components.schemas</c>.</param>
    public SchemaValidator(IReadOnlyDictionary<string, JsonElement> schemas) => _schemas = schemas;

    public IReadOnlyList<SchemaError> Validate(string schemaName, JsonElement instance)
    {
        var errors = new List<SchemaError>();
        Evaluate(_schemas[schemaName], instance, JsonPath.Root, new Scope(schemaName, 0), errors);
        return errors;
    }

    /// <summary>The name a <c>#/components/schemas/...</c> reference points at (JSON Pointer escapes undone).</summary>
    public static string ReferencedName(string reference) =>
        reference.StartsWith(ReferencePrefix, StringComparison.Ordinal) && reference.IndexOf('/', ReferencePrefix.Length) < 0
            ? Uri.UnescapeDataString(reference[ReferencePrefix.Length..]).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)
            : throw new NotSupportedException($"Only '{ReferencePrefix}<name>' references are supported, not '{reference}'.");

    private void Evaluate(JsonElement schema, JsonElement instance, string path, Scope scope, List<SchemaError> errors)
    {
        switch (schema.ValueKind)
        {
            case JsonValueKind.True:
                return;
            case JsonValueKind.False:
                errors.Add(new SchemaError(path, "no value is allowed here (schema is false)"));
                return;
            case JsonValueKind.Object:
                break;
            default:
                throw new InvalidDataException($"A schema must be an object or a boolean, not {schema.ValueKind} (validating {path}).");
        }

        if (scope.Depth > MaxDepth)
        {
            errors.Add(new SchemaError(path, $"schema references nest deeper than {MaxDepth} (a $ref cycle in '{scope.Resource}'?)"));
            return;
        }

        // OpenAPI 3.0's `nullable: true` admits null whatever the other keywords say (it also sits beside `$ref` and `enum`).
        if (instance.ValueKind == JsonValueKind.Null && schema.TryGetProperty("nullable", out var nullable) && nullable.ValueKind == JsonValueKind.True)
        {
            return;
        }

        foreach (var keyword in schema.EnumerateObject())
        {
            var value = keyword.Value;
            switch (keyword.Name)
            {
                case "$ref":
                    var name = ReferencedName(value.GetString()!);
                    Evaluate(Resolve(name), instance, path, new Scope(name, scope.Depth + 1), errors);
                    break;
                case "$recursiveRef":
                    // Only `$recursiveRef: '#'` occurs: the schema it sits in (each component is its own resource here).
                    Evaluate(Resolve(scope.Resource), instance, path, scope with { Depth = scope.Depth + 1 }, errors);
                    break;
                case "allOf":
                    foreach (var part in value.EnumerateArray())
                    {
                        Evaluate(part, instance, path, scope, errors);
                    }

                    break;
                case "anyOf":
                case "oneOf":
                    EvaluateAlternatives(keyword.Name, value, schema, instance, path, scope, errors);
                    break;
                case "not":
                    var negated = new List<SchemaError>();
                    Evaluate(value, instance, path, scope, negated);
                    if (negated.Count == 0)
                    {
                        errors.Add(new SchemaError(path, "must not match the 'not' schema, but does"));
                    }

                    break;
                default:
                    EvaluateStructure(keyword.Name, value, schema, instance, path, scope, errors);
                    EvaluateValue(keyword.Name, value, schema, instance, path, errors);
                    break;
            }
        }
    }

    private JsonElement Resolve(string name) =>
        _schemas.TryGetValue(name, out var target)
            ? target
            : throw new InvalidDataException($"'{ReferencePrefix}{name}' does not resolve to a schema.");

    /// <summary>
    /// anyOf (at least one) and oneOf (exactly one). When none matches, the alternatives whose failure is only a wrong
    /// type or literal at this value (or at its discriminator property) are set aside: if one alternative is left, its
    /// errors are the useful ones; otherwise a single error lists what each alternative wanted.
    /// </summary>
    private void EvaluateAlternatives(string keyword, JsonElement alternatives, JsonElement schema, JsonElement instance, string path, Scope scope, List<SchemaError> errors)
    {
        var failures = new List<List<SchemaError>>();
        var matched = new List<int>();
        foreach (var alternative in alternatives.EnumerateArray())
        {
            var alternativeErrors = new List<SchemaError>();
            Evaluate(alternative, instance, path, scope, alternativeErrors);
            if (alternativeErrors.Count == 0)
            {
                matched.Add(failures.Count + 1);
            }

            failures.Add(alternativeErrors);
        }

        if (matched.Count == 1 || (matched.Count > 1 && keyword == "anyOf"))
        {
            return;
        }

        if (matched.Count > 1)
        {
            errors.Add(new SchemaError(path, $"matches {matched.Count} oneOf alternatives (#{string.Join(", #", matched)}); exactly one is required"));
            return;
        }

        var discriminatorPath = schema.TryGetProperty("discriminator", out var discriminator) && discriminator.TryGetProperty("propertyName", out var property)
            ? JsonPath.Property(path, property.GetString()!)
            : null;
        bool RulesOut(SchemaError e) => e.IsMismatch && (e.Path == path || e.Path == discriminatorPath);
        var plausible = failures.Select((list, index) => (list, index)).Where(f => !f.list.Exists(RulesOut)).ToList();
        if (plausible.Count == 1)
        {
            errors.AddRange(plausible[0].list);
            return;
        }

        // Every alternative ruled out: say what ruled each out. Several plausible: show how each fell short.
        var reasons = plausible.Count == 0
            ? failures.Select((list, index) => $"#{index + 1}: {Summarize(list.FindAll(RulesOut), path)}")
            : plausible.Select(f => $"#{f.index + 1}: {Summarize(f.list, path)}");
        errors.Add(new SchemaError(path, $"{Describe(instance)} matches none of the {keyword} alternatives ({string.Join("; ", reasons)})", IsMismatch: plausible.Count == 0));
    }

    private static string Summarize(List<SchemaError> errors, string path) =>
        string.Join(", ", errors.Take(3).Select(e => e.Path == path ? e.Message : e.ToString()))
        + (errors.Count > 3 ? $", and {errors.Count - 3} more" : string.Empty);

    /// <summary>Where the walk is: the component schema that <c>$recursiveRef</c> means, and how many references deep.</summary>
    private readonly record struct Scope(string Resource, int Depth);
}
