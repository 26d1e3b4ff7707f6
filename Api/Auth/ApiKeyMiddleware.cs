using Platform.Api.Observability;
using Platform.Billing.Keys;

namespace Platform.Api.Auth;

/// <summary>
/// Authenticates requests to endpoints that carry an <see cref="ApiKeyRequirement"/>: a bearer key that exists, is
/// active (not revoked, expired or past its rotation grace) and has the scope. Failures are 401 <c>invalid_api_key</c>
/// or 403 <c>insufficient_permissions</c>, thrown for <c>ErrorHandlingMiddleware</c> to write. Other endpoints pass untouched.
/// </summary>
internal sealed class ApiKeyMiddleware(RequestDelegate next, ApiKeyCache cache, TimeProvider time)
{
    /// <summary>Longer tokens are refused without a lookup; ours are 46 characters.</summary>
    public const int MaxKeyLength = 200;

    public Task InvokeAsync(HttpContext context)
    {
        var requirement = context.GetEndpoint()?.Metadata.GetMetadata<ApiKeyRequirement>();
        return requirement is null ? next(context) : AuthenticateAsync(context, requirement);
    }

    private async Task AuthenticateAsync(HttpContext context, ApiKeyRequirement requirement)
    {
        using (var span = ApiTracing.Source.StartActivity("auth"))
        {
            var identity = await IdentifyAsync(context, requirement);
            span?.SetTag("platform.project_id", identity.Project.Id);
            context.Features.Set(new ApiKeyFeature(identity));
        }

        await next(context);
    }

    private async Task<ApiKeyIdentity> IdentifyAsync(HttpContext context, ApiKeyRequirement requirement)
    {
        var token = BearerToken(context.Request.Headers.Authorization.ToString()) ?? throw AuthErrors.MissingKey();
        if (token.Length > MaxKeyLength || !token.StartsWith(ApiKeyGenerator.Prefix, StringComparison.Ordinal) || token.Any(char.IsWhiteSpace))
        {
            throw AuthErrors.IncorrectKey(token);
        }

        var identity = await cache.FindAsync(token, context.RequestAborted);
        if (identity is null || identity.StatusAt(time.GetUtcNow()) != ApiKeyStatus.Active)
        {
            throw AuthErrors.IncorrectKey(token);
        }

        if (!identity.Key.HasScope(requirement.Scope))
        {
            throw AuthErrors.MissingScope(requirement.Scope);
        }

        return identity;
    }

    /// <summary>The token of <c>Bearer &lt;token&gt;</c> (scheme case-insensitive); null when there is none.</summary>
    internal static string? BearerToken(string header)
    {
        const string Scheme = "Bearer ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = header[Scheme.Length..].Trim();
        return token.Length == 0 ? null : token;
    }
}
