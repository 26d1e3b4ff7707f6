using Platform.Billing.Keys;

namespace Platform.Api.Auth;

/// <summary>Endpoint metadata: a bearer API key with <paramref name="Scope"/> is required; <see cref="ApiKeyMiddleware"/> enforces it.</summary>
internal sealed record ApiKeyRequirement(string Scope)
{
    /// <summary>An <c>owner</c> key administers every organization, so it meets an <c>admin</c> requirement too.</summary>
    public bool IsMetBy(ApiKey key) =>
        key.HasScope(Scope) || (Scope == ApiKeyScopes.Admin && key.HasScope(ApiKeyScopes.Owner));
}

internal static class ApiKeyRequirementExtensions
{
    private static readonly ApiKeyRequirement Inference = new(ApiKeyScopes.Inference);
    private static readonly ApiKeyRequirement Admin = new(ApiKeyScopes.Admin);

    /// <summary>Every endpoint of the group needs a key with the <c>inference</c> scope.</summary>
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(Inference);

    /// <summary>Every endpoint of the group needs a key with the <c>admin</c> (or <c>owner</c>) scope.</summary>
    public static TBuilder RequireAdminKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(Admin);
}
