using System.Collections.Frozen;
using System.Text.Json;

namespace Platform.Api.Tests.Support;

/// <summary>
/// The schemas under <c>components.schemas</c> of an OpenAPI document, for checking that our JSON is what OpenAI's
/// clients expect. <see cref="Official"/> is OpenAI's own spec in shared/reference, loaded once per test run.
/// Immutable once loaded: <see cref="Validate"/> may run from parallel tests.
/// </summary>
internal sealed class OpenAiSchemas
{
    private static readonly Lazy<OpenAiSchemas> OfficialSpec = new(() => Load(SharedData.Reference("openai-openapi.yaml")));

    private readonly FrozenDictionary<string, JsonElement> _schemas;
    private readonly SchemaValidator _validator;

    private OpenAiSchemas(FrozenDictionary<string, JsonElement> schemas)
    {
        _schemas = schemas;
        _validator = new SchemaValidator(schemas);
    }

    /// <summary>OpenAI's published OpenAPI spec (shared/reference/openai-openapi.yaml).</summary>
    public static OpenAiSchemas Official => OfficialSpec.Value;

    public IEnumerable<string> SchemaNames => _schemas.Keys;

    /// <summary>
    /// Reads an OpenAPI YAML file. Fails if a schema uses a keyword the validator neither applies nor knowingly ignores,
    /// or a <c>$ref</c> that does not resolve, so nothing is silently left unchecked.
    /// </summary>
    public static OpenAiSchemas Load(string openApiYamlPath)
    {
        using var document = YamlToJson.Convert(File.ReadAllText(openApiYamlPath));
        if (!document.RootElement.TryGetProperty("components", out var components) || !components.TryGetProperty("schemas", out var schemas))
        {
            throw new InvalidDataException($"'{openApiYamlPath}' has no components.schemas.");
        }

        var byName = schemas.EnumerateObject().ToFrozenDictionary(s => s.Name, s => s.Value.Clone(), StringComparer.Ordinal);
        var problems = byName.SelectMany(s => SchemaKeywords.Problems(s.Key, s.Value, byName.ContainsKey)).ToList();
        return problems.Count == 0
            ? new OpenAiSchemas(byName)
            : throw new InvalidDataException($"'{openApiYamlPath}' has schemas this validator cannot check:\n{string.Join('\n', problems)}");
    }

    public bool HasSchema(string schemaName) => _schemas.ContainsKey(schemaName);

    /// <summary>The schema as written in the spec (JSON), e.g. to read its <c>x-oaiMeta</c> example.</summary>
    public JsonElement GetSchema(string schemaName) =>
        _schemas.TryGetValue(schemaName, out var schema) ? schema : throw new ArgumentException($"No schema named '{schemaName}'.", nameof(schemaName));

    /// <summary>
    /// Checks <paramref name="json"/> against <c>components.schemas.<paramref name="schemaName"/></c>. Empty means valid;
    /// each error reads "<c>$.json.path: problem</c>".
    /// </summary>
    public IReadOnlyList<string> Validate(string schemaName, string json)
    {
        if (!HasSchema(schemaName))
        {
            throw new ArgumentException($"No schema named '{schemaName}'.", nameof(schemaName));
        }

        JsonDocument instance;
        try
        {
            instance = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            return [$"{JsonPath.Root}: not valid JSON ({e.Message})"];
        }

        using (instance)
        {
            return _validator.Validate(schemaName, instance.RootElement).Select(e => e.ToString()).ToList();
        }
    }
}
