using System.Text.Json;
using Platform.Api.Errors;
using Platform.Api.Sampling;
using Platform.Api.Tools;

namespace Platform.Api.Chat;

/// <summary>What the output must be: OpenAI's <c>response_format</c> (<c>text</c>, <c>json_object</c> or <c>json_schema</c>).</summary>
internal sealed record ResponseFormat(string Type, JsonElement? Schema, bool Strict)
{
    public static ResponseFormat Text { get; } = new("text", null, false);

    public bool IsText => Type == "text";

    public static ResponseFormat Read(JsonRequest request)
    {
        if (request.Get("response_format") is not { } format)
        {
            return Text;
        }

        if (format.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.InvalidType("response_format", "an object", JsonRequest.Describe(format));
        }

        var type = format.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : throw ApiException.Missing("response_format.type");
        switch (type)
        {
            case "text":
                return Text;
            case "json_object":
                return new ResponseFormat(type, null, false);
            case "json_schema":
                break;
            default:
                throw ApiException.InvalidValue("response_format.type", $"'{type}' is not one of 'text', 'json_object' or 'json_schema'.");
        }

        if (!format.TryGetProperty("json_schema", out var jsonSchema) || jsonSchema.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.Missing("response_format.json_schema");
        }

        if (!jsonSchema.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
        {
            throw ApiException.Missing("response_format.json_schema.name");
        }

        if (name.GetString() is not { Length: > 0 and <= 64 } text || !text.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            throw ApiException.InvalidValue("response_format.json_schema.name", "must be 1 to 64 characters of a-z, A-Z, 0-9, underscores and dashes.");
        }

        var strict = jsonSchema.TryGetProperty("strict", out var s) && s.ValueKind == JsonValueKind.True;
        if (!jsonSchema.TryGetProperty("schema", out var schema) || schema.ValueKind == JsonValueKind.Null)
        {
            // OpenAI's schema is optional; without one any JSON object will do.
            return new ResponseFormat("json_object", null, false);
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.InvalidType("response_format.json_schema.schema", "an object", JsonRequest.Describe(schema));
        }

        SchemaCheck.Compile(schema, strict, "response_format.json_schema.schema");
        return new ResponseFormat(type, schema.Clone(), strict);
    }
}
