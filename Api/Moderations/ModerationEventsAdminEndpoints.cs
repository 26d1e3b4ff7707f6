using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Api.Admin;
using Platform.Api.Errors;
using Platform.Billing.Moderation;
using Platform.Moderation;

namespace Platform.Api.Moderations;

/// <summary>
/// <c>GET /admin/moderation/events</c>: flagged requests for trust-and-safety review, oldest first, paged like every
/// admin list, filtered by <c>project_id</c>, <c>api_key_id</c>, <c>category</c> and <c>start_time</c> / <c>end_time</c>
/// (Unix seconds; start inclusive, end exclusive).
/// </summary>
internal static class ModerationEventsAdminEndpoints
{
    public const string IdPrefix = "modevt_";

    public static IEndpointRouteBuilder MapModerationEventsAdmin(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/moderation/events", ListAsync);
        return routes;
    }

    internal static async Task<Ok<AdminList<ModerationEventResponse>>> ListAsync(HttpContext context, ModerationEventRepository events)
    {
        var query = context.Request.Query;
        var category = Text(query["category"]);
        if (category is not null && ModerationCategories.IndexOf(category) < 0)
        {
            throw ApiException.InvalidValue("category", $"'{category}' is not a moderation category ({string.Join(", ", ModerationCategories.All)}).");
        }

        var filter = new ModerationEventFilter(
            Text(query["project_id"]) is { } project ? AdminIds.FromField(AdminIds.Project, project, "project_id") : null,
            Text(query["api_key_id"]) is { } key ? AdminIds.FromField(AdminIds.ApiKey, key, "api_key_id") : null,
            category,
            Time(query["start_time"], "start_time"),
            Time(query["end_time"], "end_time"),
            AdminAccess.Of(context).OrganizationScope);
        var page = await events.ListAsync(AdminList.Page(context.Request, IdPrefix), filter, context.RequestAborted);
        return TypedResults.Ok(AdminList.From(page, ModerationEventResponse.From, e => e.Id));
    }

    private static string? Text(Microsoft.Extensions.Primitives.StringValues value) => value.ToString() is { Length: > 0 } text ? text : null;

    private static DateTimeOffset? Time(Microsoft.Extensions.Primitives.StringValues value, string param)
    {
        if (Text(value) is not { } text)
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= 253_402_300_799
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : throw ApiException.InvalidValue(param, $"must be a time in Unix seconds; got '{text}'.");
    }
}

/// <summary>One flagged request as reviewers see it.</summary>
internal sealed record ModerationEventResponse(
    string Id,
    string RequestId,
    string ProjectId,
    string ApiKeyId,
    string Model,
    string Source,
    string Action,
    IReadOnlyList<string> Categories,
    IReadOnlyDictionary<string, double> CategoryScores,
    IReadOnlyList<string> MatchedRules,
    string Excerpt,
    long CreatedAt)
{
    [JsonPropertyOrder(-1)]
    public string Object { get; init; } = "moderation.event";

    public static ModerationEventResponse From(ModerationEvent e) => new(
        AdminIds.Format(ModerationEventsAdminEndpoints.IdPrefix, e.Id),
        e.RequestId,
        AdminIds.Format(AdminIds.Project, e.ProjectId),
        AdminIds.Format(AdminIds.ApiKey, e.ApiKeyId),
        e.Model,
        e.Source,
        e.Action,
        e.Categories,
        e.Scores,
        e.MatchedRules,
        e.Excerpt,
        AdminRequest.Unix(e.CreatedAt));
}
