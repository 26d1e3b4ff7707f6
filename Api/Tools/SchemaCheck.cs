using System.Text.Json;
using Platform.Api.Errors;
using Platform.Inference.Constraints.Grammar;
using Platform.Inference.Constraints.Schema;

namespace Platform.Api.Tools;

/// <summary>A schema the request sends (tool parameters, <c>json_schema</c>) is compiled when read, so a bad one is a 400 naming its keyword.</summary>
internal static class SchemaCheck
{
    public static void Compile(JsonElement schema, bool strict, string param)
    {
        try
        {
            SchemaCompiler.Compile(schema, strict);
        }
        catch (GrammarException ex)
        {
            throw ApiException.InvalidRequest($"Invalid schema for '{param}': {ex.Message}", param, "invalid_schema");
        }
    }
}
