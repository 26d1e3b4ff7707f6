using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Api.Errors;
using Platform.Billing.Audit;

namespace Platform.Api.Admin;

/// <summary>
/// <c>GET /admin/audit</c>: admin changes in the order they were made, optionally of one entity type or entity; an
/// <c>admin</c> key sees only the changes to its own organization, its projects and their keys.
/// </summary>
internal static class AuditAdminEndpoints
{
    public static IEndpointRouteBuilder MapAuditAdmin(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/audit", ListAsync);
        return routes;
    }

    internal static async Task<Ok<AdminList<AuditEntryResponse>>> ListAsync(HttpContext context, AuditLogRepository audit)
    {
        var type = context.Request.Query["entity_type"].ToString() is { Length: > 0 } t ? t : null;
        long? entity = null;
        if (context.Request.Query["entity_id"].ToString() is { Length: > 0 } text)
        {
            var prefix = type is null ? "" : AdminIds.ForEntityType(type);
            entity = prefix.Length > 0
                ? AdminIds.FromField(prefix, text, "entity_id")
                : throw ApiException.InvalidValue("entity_id", "needs an entity_type (organization, project, tier, api_key or model_price).");
        }

        var page = await audit.ListAsync(AdminList.Page(context.Request, AdminIds.Audit), type, entity, AdminAccess.Of(context).OrganizationScope, context.RequestAborted);
        return TypedResults.Ok(AdminList.From(page, AuditEntryResponse.From, e => e.Id));
    }
}

/// <summary>One audit row: who (the acting key's id and display form), what, when, and the entity before and after (in the API's id and time formats).</summary>
internal sealed record AuditEntryResponse(
    string Id,
    string? ActorKeyId,
    string ActorDisplay,
    string Action,
    string EntityType,
    string EntityId,
    long CreatedAt,
    JsonElement? Before,
    JsonElement? After)
{
    [JsonPropertyOrder(-1)]
    public string Object { get; init; } = "audit_log";

    public static AuditEntryResponse From(AuditEntry e) => new(
        AdminIds.Format(AdminIds.Audit, e.Id),
        AdminIds.Format(AdminIds.ApiKey, e.ActorKeyId),
        e.ActorDisplay,
        e.Action,
        e.EntityType,
        AdminIds.ForEntityType(e.EntityType) + e.EntityId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        AdminRequest.Unix(e.At),
        AuditJson.ToApiFormat(e.Before, e.EntityType),
        AuditJson.ToApiFormat(e.After, e.EntityType));
}
