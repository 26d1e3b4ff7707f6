using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Api.Auth;
using Platform.Billing.Accounts;
using Platform.Billing.Keys;

namespace Platform.Api.Admin;

/// <summary>
/// API keys: created and listed under their project, read, revoked and rotated by id. A secret is in the response
/// of create and rotate only (<c>value</c>); everywhere else a key shows its <c>redacted_value</c>.
/// </summary>
internal static class ApiKeyAdminEndpoints
{
    /// <summary>How long a rotated key keeps working when the request names no <c>grace_seconds</c>.</summary>
    public static readonly TimeSpan DefaultGrace = TimeSpan.FromHours(1);

    public static IEndpointRouteBuilder MapApiKeyAdmin(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/projects/{project_id}/api_keys", ListAsync);
        routes.MapPost("/projects/{project_id}/api_keys", CreateAsync);
        routes.MapGet("/api_keys/{key_id}", GetAsync);
        routes.MapPost("/api_keys/{key_id}/revoke", RevokeAsync);
        routes.MapPost("/api_keys/{key_id}/rotate", RotateAsync);
        return routes;
    }

    internal static async Task<Ok<AdminList<ApiKeyResponse>>> ListAsync(HttpContext context, string project_id, ApiKeyRepository keys, ProjectRepository projects, TimeProvider time)
    {
        var project = AdminIds.FromPath(AdminIds.Project, project_id, "project");
        await AdminAccess.Of(context).ProjectAsync(projects, project, context.RequestAborted);
        var page = await keys.ListAsync(project, AdminList.Page(context.Request, AdminIds.ApiKey), context.RequestAborted);
        var now = time.GetUtcNow();
        return TypedResults.Ok(AdminList.From(page, k => ApiKeyResponse.From(k, now), k => k.Id));
    }

    internal static async Task<Created<ApiKeyResponse>> CreateAsync(HttpContext context, string project_id, ApiKeyRepository keys, ProjectRepository projects, TimeProvider time)
    {
        var project = AdminIds.FromPath(AdminIds.Project, project_id, "project");
        var access = AdminAccess.Of(context);
        await access.ProjectAsync(projects, project, context.RequestAborted);
        var body = await AdminRequest.ReadAsync(context);
        var scopes = body.OptionalStrings("scopes") ?? [ApiKeyScopes.Inference];
        if (scopes.Contains(ApiKeyScopes.Owner))
        {
            access.RequireOwner("making an owner key");
        }

        var key = new NewApiKey(project, body.RequiredString("name"), scopes, body.OptionalUnixTime("expires_at"));
        var created = await keys.CreateAsync(key, AdminRequest.Actor(context), context.RequestAborted);
        var response = ApiKeyResponse.From(created.Key, time.GetUtcNow()) with { Value = created.Secret };
        return TypedResults.Created($"/admin/api_keys/{response.Id}", response);
    }

    internal static async Task<Ok<ApiKeyResponse>> GetAsync(HttpContext context, string key_id, ApiKeyRepository keys, ProjectRepository projects, TimeProvider time) =>
        TypedResults.Ok(ApiKeyResponse.From(await AdminAccess.Of(context).ApiKeyAsync(keys, projects, Id(key_id), context.RequestAborted), time.GetUtcNow()));

    /// <summary>Revokes at once (grace or not); this replica stops accepting the key before the response is sent.</summary>
    internal static async Task<Ok<ApiKeyResponse>> RevokeAsync(HttpContext context, string key_id, ApiKeyRepository keys, ProjectRepository projects, ApiKeyCache cache, TimeProvider time)
    {
        await ManagedKeyAsync(context, keys, projects, Id(key_id), "revoking an owner key");
        var revoked = await keys.RevokeAsync(Id(key_id), AdminRequest.Actor(context), context.RequestAborted);
        cache.Invalidate(revoked.Id);
        return TypedResults.Ok(ApiKeyResponse.From(revoked, time.GetUtcNow()));
    }

    /// <summary>A new secret for the key; the old one keeps working for <c>grace_seconds</c> (default one hour, 0: stops at once).</summary>
    internal static async Task<Ok<ApiKeyRotationResponse>> RotateAsync(HttpContext context, string key_id, ApiKeyRepository keys, ProjectRepository projects, ApiKeyCache cache, TimeProvider time)
    {
        var id = Id(key_id);
        await ManagedKeyAsync(context, keys, projects, id, "rotating an owner key");
        var grace = context.Request.ContentLength is > 0 || context.Request.ContentType is not null
            ? (await AdminRequest.ReadAsync(context)).OptionalInteger("grace_seconds", 0, (long)ApiKeyRepository.MaxGrace.TotalSeconds)
            : null;
        var created = await keys.RotateAsync(id, grace is { } seconds ? TimeSpan.FromSeconds(seconds) : DefaultGrace, AdminRequest.Actor(context), context.RequestAborted);
        cache.Invalidate(id);
        var now = time.GetUtcNow();
        var old = await keys.GetAsync(id, context.RequestAborted);
        return TypedResults.Ok(new ApiKeyRotationResponse(ApiKeyResponse.From(created.Key, now) with { Value = created.Secret }, ApiKeyResponse.From(old, now)));
    }

    private static long Id(string text) => AdminIds.FromPath(AdminIds.ApiKey, text, "API key");

    /// <summary>A key this admin may change: of its organization, and not the operator's (an admin could otherwise lock the owner out).</summary>
    private static async Task ManagedKeyAsync(HttpContext context, ApiKeyRepository keys, ProjectRepository projects, long id, string action)
    {
        var access = AdminAccess.Of(context);
        var key = await access.ApiKeyAsync(keys, projects, id, context.RequestAborted);
        if (key.HasScope(ApiKeyScopes.Owner))
        {
            access.RequireOwner(action);
        }
    }
}

/// <summary>
/// OpenAI's <c>organization.project.api_key</c>, plus what our keys have: scopes, expiry, revocation and rotation.
/// <c>value</c>, the secret, is present only in the responses that create one.
/// </summary>
internal sealed record ApiKeyResponse(
    string Id,
    string ProjectId,
    string Name,
    string RedactedValue,
    IReadOnlyList<string> Scopes,
    string Status,
    long CreatedAt,
    long? LastUsedAt,
    long? ExpiresAt,
    long? RevokedAt,
    string? ReplacedBy,
    long? GraceUntil)
{
    [JsonPropertyOrder(-1)]
    public string Object { get; init; } = "organization.project.api_key";

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Value { get; init; }

    public static ApiKeyResponse From(ApiKey k, DateTimeOffset now) => new(
        AdminIds.Format(AdminIds.ApiKey, k.Id),
        AdminIds.Format(AdminIds.Project, k.ProjectId),
        k.Name,
        k.Display,
        k.Scopes,
        k.StatusAt(now) switch
        {
            ApiKeyStatus.Revoked => "revoked",
            ApiKeyStatus.Expired => "expired",
            ApiKeyStatus.Replaced => "replaced",
            _ when k.ReplacedBy is not null => "rotating",
            _ => "active",
        },
        AdminRequest.Unix(k.CreatedAt),
        AdminRequest.Unix(k.LastUsedAt),
        AdminRequest.Unix(k.ExpiresAt),
        AdminRequest.Unix(k.RevokedAt),
        AdminIds.Format(AdminIds.ApiKey, k.ReplacedBy),
        AdminRequest.Unix(k.GraceUntil));

    /// <summary>Never the secret, so logging this record cannot leak it.</summary>
    public override string ToString() => $"ApiKeyResponse {{ Id = {Id}, RedactedValue = {RedactedValue} }}";
}

/// <summary>The result of a rotation: the new key with its secret, and the old key with the end of its grace.</summary>
internal sealed record ApiKeyRotationResponse(ApiKeyResponse NewKey, ApiKeyResponse OldKey)
{
    [JsonPropertyOrder(-1)]
    public string Object { get; init; } = "organization.project.api_key.rotation";

    public override string ToString() => $"ApiKeyRotationResponse {{ NewKey = {NewKey}, OldKey = {OldKey} }}";
}
