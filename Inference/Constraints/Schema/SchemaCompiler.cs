using System.Text.Json;
using Platform.Inference.Constraints.Grammar;

namespace Platform.Inference.Constraints.Schema;

/// <summary>
/// Compiles a JSON Schema in OpenAI's structured-outputs subset to a grammar of compact JSON (no whitespace
/// between tokens, properties in the schema's order). Every keyword outside the subset is rejected by name,
/// as OpenAI does; with <c>strict</c> the subset's own rules (every property required, no additional
/// properties) are checked too.
/// </summary>
public sealed partial class SchemaCompiler
{
    private static readonly HashSet<string> Annotations = new(StringComparer.Ordinal) { "title", "description", "default", "examples", "$schema", "$id", "$comment" };

    private readonly JsonElement _root;
    private readonly bool _strict;
    private readonly Dictionary<string, ReferenceNode> _references = new(StringComparer.Ordinal);
    private readonly JsonGrammar _json = new();

    private SchemaCompiler(JsonElement root, bool strict)
    {
        _root = root;
        _strict = strict;
    }

    /// <exception cref="GrammarException">The schema uses a keyword outside the subset, breaks a strict rule, or has no finite instance.</exception>
    public static GrammarNode Compile(JsonElement schema, bool strict)
    {
        var compiler = new SchemaCompiler(schema, strict);
        var root = compiler.Node(schema, "#");
        compiler.ResolveReferences();
        GrammarLengths.Compute(root);
        if (root.MinLength >= GrammarLengths.Unbounded)
        {
            throw new GrammarException("The schema has no finite instance (every path recurses forever).", "$ref", "#");
        }

        // Expanding the start once finds recursion that consumes nothing.
        GrammarState.Start(root);
        return root;
    }

    /// <summary>Any JSON object: <c>response_format</c> <c>json_object</c>.</summary>
    public static GrammarNode AnyObject()
    {
        var grammar = new JsonGrammar();
        GrammarLengths.Compute(grammar.Object);
        return grammar.Object;
    }

    private GrammarNode Node(JsonElement schema, string path)
    {
        if (schema.ValueKind == JsonValueKind.True && !_strict)
        {
            return _json.Value;
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw new GrammarException($"The schema at '{path}' must be an object.", null, path);
        }

        foreach (var property in schema.EnumerateObject())
        {
            if (!IsKnownKeyword(property.Name))
            {
                throw new GrammarException($"The keyword '{property.Name}' (at '{path}') is not supported in structured outputs.", property.Name, path);
            }
        }

        if (schema.TryGetProperty("$ref", out var reference))
        {
            return Reference(reference, path);
        }

        if (schema.TryGetProperty("const", out var constant))
        {
            return LiteralNode.Of(JsonText.Compact(constant));
        }

        if (schema.TryGetProperty("enum", out var values))
        {
            return Enum(values, path);
        }

        if (schema.TryGetProperty("anyOf", out var anyOf))
        {
            return AnyOf(anyOf, path);
        }

        if (!schema.TryGetProperty("type", out var type))
        {
            if (_strict)
            {
                throw new GrammarException($"The schema at '{path}' needs a 'type' under strict mode.", "type", path);
            }

            return _json.Value;
        }

        if (type.ValueKind == JsonValueKind.String)
        {
            return Typed(schema, type.GetString()!, path);
        }

        if (type.ValueKind == JsonValueKind.Array && type.GetArrayLength() > 0)
        {
            return new ChoiceNode([.. type.EnumerateArray().Select(t => t.ValueKind == JsonValueKind.String
                ? Typed(schema, t.GetString()!, path)
                : throw new GrammarException($"'type' at '{path}' must name types as strings.", "type", path))]);
        }

        throw new GrammarException($"'type' at '{path}' must be a string or a non-empty array of strings.", "type", path);
    }

    private GrammarNode Typed(JsonElement schema, string type, string path) => type switch
    {
        "object" => Object(schema, path),
        "array" => Array(schema, path),
        "string" => new SequenceNode([LiteralNode.Of("\""), new StringNode()]),
        "number" => new NumberNode(integerOnly: false),
        "integer" => new NumberNode(integerOnly: true),
        "boolean" => new ChoiceNode([LiteralNode.Of("true"), LiteralNode.Of("false")]),
        "null" => LiteralNode.Of("null"),
        _ => throw new GrammarException($"'{type}' (at '{path}') is not a JSON Schema type.", "type", path),
    };

    private static ChoiceNode Enum(JsonElement values, string path)
    {
        if (values.ValueKind != JsonValueKind.Array || values.GetArrayLength() == 0)
        {
            throw new GrammarException($"'enum' at '{path}' must be a non-empty array.", "enum", path);
        }

        var texts = values.EnumerateArray().Select(JsonText.Compact).Distinct(StringComparer.Ordinal);
        return new ChoiceNode([.. texts.Select(LiteralNode.Of)]);
    }

    private ChoiceNode AnyOf(JsonElement anyOf, string path)
    {
        if (anyOf.ValueKind != JsonValueKind.Array || anyOf.GetArrayLength() == 0)
        {
            throw new GrammarException($"'anyOf' at '{path}' must be a non-empty array of schemas.", "anyOf", path);
        }

        return new ChoiceNode([.. anyOf.EnumerateArray().Select((s, i) => Node(s, $"{path}/anyOf/{i}"))]);
    }

    private static bool IsKnownKeyword(string name) => Annotations.Contains(name) || name is
        "type" or "properties" or "required" or "additionalProperties" or "enum" or "const" or "anyOf"
        or "$defs" or "definitions" or "$ref" or "items" or "minItems" or "maxItems";
}
