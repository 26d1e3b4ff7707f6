using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Api.Auth;
using Platform.Api.Errors;
using Platform.Api.Sampling;
using Platform.Billing.Tiers;

namespace Platform.Api.Admin;

/// <summary><c>/admin/tiers</c>: the usage tiers projects are put on; an update may name only the fields it changes.</summary>
internal static class TierAdminEndpoints
{
    public static IEndpointRouteBuilder MapTierAdmin(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/tiers", ListAsync);
        routes.MapPost("/tiers", CreateAsync);
        routes.MapGet("/tiers/{tier_id}", GetAsync);
        routes.MapPost("/tiers/{tier_id}", UpdateAsync);
        return routes;
    }

    internal static async Task<Ok<AdminList<TierResponse>>> ListAsync(HttpContext context, TierRepository tiers) =>
        TypedResults.Ok(AdminList.From(await tiers.ListAsync(AdminList.Page(context.Request, AdminIds.Tier), context.RequestAborted), TierResponse.From, t => t.Id));

    internal static async Task<Created<TierResponse>> CreateAsync(HttpContext context, TierRepository tiers)
    {
        AdminAccess.Of(context).RequireOwner("defining a tier");
        var body = await AdminRequest.ReadAsync(context);
        var limits = new TierLimits(
            (int)body.RequiredInteger("requests_per_minute", int.MinValue, int.MaxValue),
            body.RequiredInteger("tokens_per_minute"),
            body.RequiredInteger("tokens_per_day"),
            body.OptionalInteger("monthly_token_quota", long.MinValue, long.MaxValue),
            (int)body.RequiredInteger("max_concurrent_requests", int.MinValue, int.MaxValue),
            (int)(body.OptionalInteger("waiting_room_priority", int.MinValue, int.MaxValue) ?? 0),
            body.OptionalStrings("allowed_models") ?? [],
            ModerationMode(body) ?? Billing.Tiers.ModerationMode.Flag);
        var created = TierResponse.From(await tiers.CreateAsync(body.RequiredString("name"), limits, AdminRequest.Actor(context), context.RequestAborted));
        return TypedResults.Created($"/admin/tiers/{created.Id}", created);
    }

    internal static async Task<Ok<TierResponse>> GetAsync(HttpContext context, string tier_id, TierRepository tiers) =>
        TypedResults.Ok(TierResponse.From(await tiers.GetAsync(await IdAsync(tiers, tier_id, context.RequestAborted), context.RequestAborted)));

    /// <summary>Changes the named fields; projects on the tier get the new limits (at once on this replica, within the cache TTL elsewhere).</summary>
    internal static async Task<Ok<TierResponse>> UpdateAsync(HttpContext context, string tier_id, TierRepository tiers, ApiKeyCache cache)
    {
        AdminAccess.Of(context).RequireOwner("editing a tier");
        var id = await IdAsync(tiers, tier_id, context.RequestAborted);
        var body = await AdminRequest.ReadAsync(context);
        var tier = await tiers.GetAsync(id, context.RequestAborted);
        var old = tier.Limits;
        var limits = new TierLimits(
            (int)(body.OptionalInteger("requests_per_minute", int.MinValue, int.MaxValue) ?? old.RequestsPerMinute),
            body.OptionalInteger("tokens_per_minute", long.MinValue, long.MaxValue) ?? old.TokensPerMinute,
            body.OptionalInteger("tokens_per_day", long.MinValue, long.MaxValue) ?? old.TokensPerDay,
            body.Root.TryGetProperty("monthly_token_quota", out _) ? body.OptionalInteger("monthly_token_quota", long.MinValue, long.MaxValue) : old.MonthlyTokenQuota,
            (int)(body.OptionalInteger("max_concurrent_requests", int.MinValue, int.MaxValue) ?? old.MaxConcurrentRequests),
            (int)(body.OptionalInteger("waiting_room_priority", int.MinValue, int.MaxValue) ?? old.WaitingRoomPriority),
            body.OptionalStrings("allowed_models") ?? old.AllowedModels,
            ModerationMode(body) ?? old.ModerationMode);
        var updated = await tiers.UpdateAsync(id, body.OptionalString("name") ?? tier.Name, limits, AdminRequest.Actor(context), context.RequestAborted);
        cache.Invalidate(ApiKeyInvalidation.All);
        return TypedResults.Ok(TierResponse.From(updated));
    }

    private static ModerationMode? ModerationMode(JsonRequest body) => body.OptionalString("moderation_mode") switch
    {
        null => null,
        var text when ModerationModes.TryParse(text, out var mode) => mode,
        var text => throw ApiException.InvalidValue("moderation_mode", $"must be 'off', 'flag' or 'block'; got '{text}'."),
    };

    /// <summary>A tier in the path, by id or by name; one that cannot exist is not found.</summary>
    private static async Task<long> IdAsync(TierRepository tiers, string text, CancellationToken cancellationToken)
    {
        try
        {
            return await TierIds.ResolveAsync(tiers, text, "tier_id", cancellationToken);
        }
        catch (ApiException e) when (e.Status == StatusCodes.Status400BadRequest)
        {
            return AdminIds.FromPath(AdminIds.Tier, text, "tier");
        }
    }

    private static long RequiredInteger(this JsonRequest body, string name) => AdminRequest.RequiredInteger(body, name);
}

/// <summary>
/// A tier and its limits; <c>monthly_token_quota</c> null is no quota, empty <c>allowed_models</c> is every model;
/// <c>moderation_mode</c> is <c>off</c>, <c>flag</c> or <c>block</c>.
/// </summary>
internal sealed record TierResponse(
    string Id,
    string Name,
    int RequestsPerMinute,
    long TokensPerMinute,
    long TokensPerDay,
    long? MonthlyTokenQuota,
    int MaxConcurrentRequests,
    int WaitingRoomPriority,
    IReadOnlyList<string> AllowedModels,
    string ModerationMode,
    long CreatedAt,
    long UpdatedAt)
{
    [JsonPropertyOrder(-1)]
    public string Object { get; init; } = "tier";

    public static TierResponse From(Tier t) => new(
        AdminIds.Format(AdminIds.Tier, t.Id),
        t.Name,
        t.Limits.RequestsPerMinute,
        t.Limits.TokensPerMinute,
        t.Limits.TokensPerDay,
        t.Limits.MonthlyTokenQuota,
        t.Limits.MaxConcurrentRequests,
        t.Limits.WaitingRoomPriority,
        t.Limits.AllowedModels,
        t.Limits.ModerationMode.ToText(),
        AdminRequest.Unix(t.CreatedAt),
        AdminRequest.Unix(t.UpdatedAt));
}
