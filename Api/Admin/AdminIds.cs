using System.Globalization;
using Platform.Api.Errors;

namespace Platform.Api.Admin;

/// <summary>
/// The admin API's ids: the database id behind a prefix that says what it names (<c>org_12</c>, <c>proj_3</c>), as
/// OpenAI's ids do. An id that does not parse names nothing: 404 in a path, 400 in a body or query.
/// </summary>
internal static class AdminIds
{
    public const string Organization = "org_";
    public const string Project = "proj_";
    public const string ApiKey = "key_";
    public const string Tier = "tier_";
    public const string ModelPrice = "price_";
    public const string Audit = "audit_";

    public static string Format(string prefix, long id) => prefix + id.ToString(CultureInfo.InvariantCulture);

    public static string? Format(string prefix, long? id) => id is { } value ? Format(prefix, value) : null;

    public static bool TryParse(string prefix, string? text, out long id)
    {
        id = 0;
        return text is not null && text.StartsWith(prefix, StringComparison.Ordinal)
            && long.TryParse(text.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out id) && id > 0;
    }

    /// <summary>An id from the path; one that cannot exist is not found.</summary>
    public static long FromPath(string prefix, string text, string entity) =>
        TryParse(prefix, text, out var id)
            ? id
            : throw new ApiException(StatusCodes.Status404NotFound, $"No {entity} has id '{text}'.", "invalid_request_error", null, "not_found");

    /// <summary>An id from a body or query field; a malformed one is invalid.</summary>
    public static long FromField(string prefix, string text, string param) =>
        TryParse(prefix, text, out var id) ? id : throw ApiException.InvalidValue(param, $"must be an id starting with '{prefix}'; got '{text}'.");

    /// <summary>The prefix of the ids of an audited entity type.</summary>
    public static string ForEntityType(string entityType) => entityType switch
    {
        Billing.Audit.AuditEntityTypes.Organization => Organization,
        Billing.Audit.AuditEntityTypes.Project => Project,
        Billing.Audit.AuditEntityTypes.ApiKey => ApiKey,
        Billing.Audit.AuditEntityTypes.Tier => Tier,
        Billing.Audit.AuditEntityTypes.ModelPrice => ModelPrice,
        _ => "",
    };
}
