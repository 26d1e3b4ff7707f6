using System.Text.Json;
using Platform.Inference.Constraints.Grammar;

namespace Platform.Inference.Constraints.Schema;

/// <summary>Objects, arrays and <c>$ref</c>.</summary>
public sealed partial class SchemaCompiler
{
    private const int MaxItemsWithoutLimit = int.MaxValue / 2;

    private SequenceNode Object(JsonElement schema, string path)
    {
        var properties = schema.TryGetProperty("properties", out var p) ? p : default;
        if (properties.ValueKind is not (JsonValueKind.Object or JsonValueKind.Undefined))
        {
            throw new GrammarException($"'properties' at '{path}' must be an object.", "properties", path);
        }

        var required = new HashSet<string>(StringComparer.Ordinal);
        if (schema.TryGetProperty("required", out var r))
        {
            if (r.ValueKind != JsonValueKind.Array || r.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
            {
                throw new GrammarException($"'required' at '{path}' must be an array of property names.", "required", path);
            }

            required.UnionWith(r.EnumerateArray().Select(e => e.GetString()!));
        }

        var names = properties.ValueKind == JsonValueKind.Object ? properties.EnumerateObject().Select(x => x.Name).ToList() : [];
        foreach (var name in required.Where(n => !names.Contains(n)))
        {
            throw new GrammarException($"'required' at '{path}' names '{name}', which is not in 'properties'.", "required", path);
        }

        var additional = schema.TryGetProperty("additionalProperties", out var a) ? a : default;
        if (additional.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.True or JsonValueKind.False))
        {
            throw new GrammarException($"'additionalProperties' at '{path}' must be false (schemas for extra properties are not supported).", "additionalProperties", path);
        }

        if (_strict)
        {
            if (additional.ValueKind != JsonValueKind.False)
            {
                throw new GrammarException($"'additionalProperties' is required to be supplied and to be false (at '{path}') under strict mode.", "additionalProperties", path);
            }

            if (names.FirstOrDefault(n => !required.Contains(n)) is { } missing)
            {
                throw new GrammarException($"'required' is required to be supplied and to be an array including every key in properties (missing '{missing}' at '{path}') under strict mode.", "required", path);
            }
        }

        var values = names.Select(n => Node(properties.GetProperty(n), $"{path}/properties/{n}")).ToList();
        var memo = new Dictionary<(int, bool), GrammarNode>();
        return new SequenceNode([LiteralNode.Of("{"), Members(0, true)]);

        // Properties in schema order; an optional one may be left out, and only members after the first take a comma.
        GrammarNode Members(int index, bool first)
        {
            if (memo.TryGetValue((index, first), out var cached))
            {
                return cached;
            }

            GrammarNode node;
            if (index == names.Count)
            {
                node = LiteralNode.Of("}");
            }
            else
            {
                var key = LiteralNode.Of((first ? string.Empty : ",") + JsonText.Quote(names[index]) + ":");
                GrammarNode present = new SequenceNode([key, values[index], Members(index + 1, false)]);
                node = required.Contains(names[index]) ? present : new ChoiceNode([present, Members(index + 1, first)]);
            }

            memo[(index, first)] = node;
            return node;
        }
    }

    private SequenceNode Array(JsonElement schema, string path)
    {
        var item = schema.TryGetProperty("items", out var items) ? Node(items, $"{path}/items") : _strict
            ? throw new GrammarException($"'items' is required at '{path}' under strict mode.", "items", path)
            : _json.Value;
        var min = Count(schema, "minItems", 0, path);
        var max = Count(schema, "maxItems", MaxItemsWithoutLimit, path);
        if (min > max)
        {
            throw new GrammarException($"'minItems' ({min}) is greater than 'maxItems' ({max}) at '{path}'.", "minItems", path);
        }

        return new SequenceNode([LiteralNode.Of("["), new SeparatedNode(item, LiteralNode.Of(","), min, max), LiteralNode.Of("]")]);
    }

    private static int Count(JsonElement schema, string keyword, int fallback, string path)
    {
        if (!schema.TryGetProperty(keyword, out var value))
        {
            return fallback;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var count) && count >= 0 && count <= 1024
            ? count
            : throw new GrammarException($"'{keyword}' at '{path}' must be an integer from 0 to 1024.", keyword, path);
    }

    private ReferenceNode Reference(JsonElement reference, string path)
    {
        var target = reference.ValueKind == JsonValueKind.String ? reference.GetString()! : string.Empty;
        if (target != "#" && !target.StartsWith("#/$defs/", StringComparison.Ordinal) && !target.StartsWith("#/definitions/", StringComparison.Ordinal))
        {
            throw new GrammarException($"'$ref' at '{path}' must be '#' or point into '#/$defs/' or '#/definitions/'; got '{target}'.", "$ref", path);
        }

        if (!_references.TryGetValue(target, out var node))
        {
            node = new ReferenceNode(target);
            _references[target] = node;
        }

        return node;
    }

    private void ResolveReferences()
    {
        // Compiling a definition may find further references, so resolve until none is left open.
        while (_references.Values.FirstOrDefault(r => r.Target is null) is { } open)
        {
            open.Target = Resolve(open.Name);
        }
    }

    private GrammarNode Resolve(string target)
    {
        if (target == "#")
        {
            return Node(_root, "#");
        }

        var parts = target[2..].Split('/');
        if (parts.Length == 2 && _root.TryGetProperty(parts[0], out var definitions) && definitions.ValueKind == JsonValueKind.Object
            && definitions.TryGetProperty(parts[1].Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal), out var definition))
        {
            return Node(definition, target);
        }

        throw new GrammarException($"'$ref' '{target}' does not point at a definition.", "$ref", target);
    }
}
