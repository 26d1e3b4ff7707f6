using System.Text.Json.Nodes;

namespace Platform.Api.Tests.Inference.Constraints;

/// <summary>
/// Random JSON schemas over the supported subset, from a seeded generator: nested objects (strict, or with
/// optional properties), arrays with item counts, enums, consts, anyOf, nullable type arrays and recursive $refs.
/// </summary>
internal sealed class RandomSchemas(int seed)
{
    private static readonly string[] Words = ["alpha", "beta", "gamma", "delta", "été", "zeta", "name", "id", "tags", "x"];
    private readonly Random _random = new(seed);

    public (JsonObject Schema, bool Strict) Next()
    {
        var strict = _random.Next(2) == 0;
        var schema = Object(0, strict);
        if (_random.Next(4) == 0)
        {
            // A recursive tree: each node holds a label and up to two children of the same definition.
            schema["$defs"] = new JsonObject
            {
                ["node"] = new JsonObject
                {
                    ["type"] = "object",
                    ["properties"] = new JsonObject
                    {
                        ["label"] = new JsonObject { ["type"] = "string" },
                        ["children"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["$ref"] = "#/$defs/node" }, ["maxItems"] = 2 },
                    },
                    ["required"] = new JsonArray("label", "children"),
                    ["additionalProperties"] = false,
                },
            };
            ((JsonObject)schema["properties"]!)["tree"] = new JsonObject { ["$ref"] = "#/$defs/node" };
            ((JsonArray)schema["required"]!).Add("tree");
        }

        return (schema, strict);
    }

    private JsonObject Object(int depth, bool strict)
    {
        var properties = new JsonObject();
        var required = new JsonArray();
        var count = _random.Next(depth == 0 ? 1 : 0, 4);
        for (var i = 0; i < count; i++)
        {
            var name = $"{Words[_random.Next(Words.Length)]}{i}";
            properties[name] = Value(depth + 1, strict);
            if (strict || _random.Next(2) == 0)
            {
                required.Add(name);
            }
        }

        var schema = new JsonObject { ["type"] = "object", ["properties"] = properties, ["required"] = required };
        if (strict || _random.Next(2) == 0)
        {
            schema["additionalProperties"] = false;
        }

        return schema;
    }

    private JsonObject Value(int depth, bool strict)
    {
        var kind = _random.Next(depth >= 3 ? 8 : 11);
        return kind switch
        {
            0 => new JsonObject { ["type"] = "string", ["description"] = "any text" },
            1 => new JsonObject { ["type"] = "integer" },
            2 => new JsonObject { ["type"] = "number" },
            3 => new JsonObject { ["type"] = "boolean" },
            4 => new JsonObject { ["type"] = new JsonArray("string", "null") },
            5 => new JsonObject { ["type"] = "string", ["enum"] = new JsonArray([.. Words.OrderBy(_ => _random.Next()).Take(1 + _random.Next(4)).Select(w => (JsonNode)w)]) },
            6 => new JsonObject { ["const"] = _random.Next(2) == 0 ? "fixed" : 42 },
            7 => new JsonObject { ["type"] = "null" },
            8 => Object(depth, strict),
            9 => Array(depth, strict),
            _ => new JsonObject { ["anyOf"] = new JsonArray(Value(depth + 1, strict), Value(depth + 1, strict)) },
        };
    }

    private JsonObject Array(int depth, bool strict)
    {
        var schema = new JsonObject { ["type"] = "array", ["items"] = Value(depth + 1, strict) };
        if (_random.Next(2) == 0)
        {
            var min = _random.Next(3);
            schema["minItems"] = min;
            schema["maxItems"] = min + _random.Next(3);
        }

        return schema;
    }
}
