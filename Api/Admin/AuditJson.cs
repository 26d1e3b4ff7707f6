using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Platform.Api.Admin;

/// <summary>
/// An audited entity's snapshot in the API's own formats: the log stores the data layer's records (database ids, ISO
/// times), and a reader comparing them with what the API returns needs prefixed ids (<c>key_2</c>) and Unix seconds.
/// Converted when read, so rows written before this existed read the same way.
/// </summary>
internal static class AuditJson
{
    private static readonly Dictionary<string, string> IdFields = new(StringComparer.Ordinal)
    {
        ["organization_id"] = AdminIds.Organization,
        ["project_id"] = AdminIds.Project,
        ["tier_id"] = AdminIds.Tier,
        ["replaced_by"] = AdminIds.ApiKey,
    };

    public static JsonElement? ToApiFormat(string? json, string entityType)
    {
        if (json is null || JsonNode.Parse(json) is not JsonObject entity)
        {
            return null;
        }

        Convert(entity, AdminIds.ForEntityType(entityType));
        using var document = JsonDocument.Parse(entity.ToJsonString());
        return document.RootElement.Clone();
    }

    private static void Convert(JsonObject entity, string idPrefix)
    {
        foreach (var (name, value) in entity.ToList())
        {
            if (value is JsonObject nested)
            {
                Convert(nested, "");
            }
            else if (value is JsonValue scalar && scalar.TryGetValue<long>(out var id) && Prefix(name, idPrefix) is { Length: > 0 } prefix)
            {
                entity[name] = AdminIds.Format(prefix, id);
            }
            else if (value is JsonValue text && text.TryGetValue<string>(out var s) && IsTime(name)
                && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time))
            {
                entity[name] = time.ToUnixTimeSeconds();
            }
        }
    }

    private static string? Prefix(string name, string idPrefix) => name == "id" ? idPrefix : IdFields.GetValueOrDefault(name);

    private static bool IsTime(string name) => name.EndsWith("_at", StringComparison.Ordinal) || name is "grace_until" or "effective_from";
}
