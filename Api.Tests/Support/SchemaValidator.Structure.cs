using System.Text.Json;

namespace Platform.Api.Tests.Support;

/// <summary>Keywords about the members of objects and arrays; each applies only to a value of its kind.</summary>
internal sealed partial class SchemaValidator
{
    private void EvaluateStructure(string keyword, JsonElement value, JsonElement schema, JsonElement instance, string path, Scope scope, List<SchemaError> errors)
    {
        switch (instance.ValueKind, keyword)
        {
            case (JsonValueKind.Object, "properties"):
                foreach (var declared in value.EnumerateObject())
                {
                    if (instance.TryGetProperty(declared.Name, out var member))
                    {
                        Evaluate(declared.Value, member, JsonPath.Property(path, declared.Name), scope, errors);
                    }
                }

                break;
            case (JsonValueKind.Object, "required"):
                foreach (var name in value.EnumerateArray().Select(n => n.GetString()!))
                {
                    if (!instance.TryGetProperty(name, out _))
                    {
                        errors.Add(new SchemaError(JsonPath.Property(path, name), "required property is missing"));
                    }
                }

                break;
            case (JsonValueKind.Object, "additionalProperties"):
                var declaredNames = schema.TryGetProperty("properties", out var properties) ? properties : default;
                foreach (var member in instance.EnumerateObject())
                {
                    if (declaredNames.ValueKind == JsonValueKind.Object && declaredNames.TryGetProperty(member.Name, out _))
                    {
                        continue;
                    }

                    if (value.ValueKind == JsonValueKind.False)
                    {
                        errors.Add(new SchemaError(JsonPath.Property(path, member.Name), "property is not allowed (additionalProperties is false)"));
                    }
                    else
                    {
                        Evaluate(value, member.Value, JsonPath.Property(path, member.Name), scope, errors);
                    }
                }

                break;
            case (JsonValueKind.Object, "propertyNames"):
                foreach (var member in instance.EnumerateObject())
                {
                    var nameErrors = new List<SchemaError>();
                    Evaluate(value, JsonSerializer.SerializeToElement(member.Name), JsonPath.Property(path, member.Name), scope, nameErrors);
                    errors.AddRange(nameErrors.Select(e => e with { Message = $"property name: {e.Message}", IsMismatch = false }));
                }

                break;
            case (JsonValueKind.Object, "minProperties"):
                CheckCount(instance.EnumerateObject().Count(), value, atLeast: true, "properties", path, errors);
                break;
            case (JsonValueKind.Object, "maxProperties"):
                CheckCount(instance.EnumerateObject().Count(), value, atLeast: false, "properties", path, errors);
                break;
            case (JsonValueKind.Array, "items"):
                var index = 0;
                foreach (var item in instance.EnumerateArray())
                {
                    Evaluate(value, item, JsonPath.Index(path, index++), scope, errors);
                }

                break;
            case (JsonValueKind.Array, "minItems"):
                CheckCount(instance.GetArrayLength(), value, atLeast: true, "items", path, errors);
                break;
            case (JsonValueKind.Array, "maxItems"):
                CheckCount(instance.GetArrayLength(), value, atLeast: false, "items", path, errors);
                break;
            default:
                break;
        }
    }

    private static void CheckCount(int count, JsonElement limit, bool atLeast, string what, string path, List<SchemaError> errors)
    {
        var bound = limit.GetInt32();
        if (atLeast ? count < bound : count > bound)
        {
            errors.Add(new SchemaError(path, $"has {count} {what}; {(atLeast ? "at least" : "at most")} {bound} allowed"));
        }
    }
}
