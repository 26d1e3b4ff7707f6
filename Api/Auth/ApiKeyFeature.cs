using Platform.Billing.Keys;

namespace Platform.Api.Auth;

/// <summary>The key a request was authenticated with: key, project, organization and tier (limits), as read at lookup.</summary>
internal sealed record ApiKeyFeature(ApiKeyIdentity Identity)
{
    public long KeyId => Identity.Key.Id;

    /// <summary>The safe form of the key (<c>sk-...abcd</c>): the only form that may be logged or shown.</summary>
    public string Display => Identity.Key.Display;
}

/// <summary>Typed access to the authenticated key from endpoints.</summary>
internal static class ApiKeyFeatureExtensions
{
    /// <summary>The key of this request; only endpoints behind <c>RequireApiKey()</c> or <c>RequireAdminKey()</c> have one.</summary>
    public static ApiKeyFeature GetApiKey(this HttpContext context) =>
        context.Features.Get<ApiKeyFeature>() ?? throw new InvalidOperationException("This endpoint does not require an API key.");

    public static ApiKeyFeature? FindApiKey(this HttpContext context) => context.Features.Get<ApiKeyFeature>();
}
