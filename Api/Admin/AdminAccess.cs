using Platform.Api.Auth;
using Platform.Api.Errors;
using Platform.Billing.Accounts;
using Platform.Billing.Keys;

namespace Platform.Api.Admin;

/// <summary>
/// Who may do what in the admin API. An <c>owner</c> key sees and changes everything; an <c>admin</c> key sees only
/// its own organization, and anything of another organization is answered as if it did not exist (404), so ids
/// cannot be probed. Changes reserved to the operator are 403 <c>insufficient_permissions</c> naming the scope.
/// </summary>
internal sealed class AdminAccess
{
    private readonly ApiKeyIdentity _identity;

    private AdminAccess(ApiKeyIdentity identity) => _identity = identity;

    public static AdminAccess Of(HttpContext context) => new(context.GetApiKey().Identity);

    public bool IsOwner => _identity.Key.HasScope(ApiKeyScopes.Owner);

    /// <summary>The organization an <c>admin</c> key is confined to; null for an owner.</summary>
    public long? OrganizationScope => IsOwner ? null : _identity.Organization.Id;

    /// <summary>Refuses a change only the platform operator may make; <paramref name="action"/> says what was tried.</summary>
    public void RequireOwner(string action)
    {
        if (!IsOwner)
        {
            throw new ApiException(
                StatusCodes.Status403Forbidden,
                $"You have insufficient permissions for this operation: {action} needs an API key with the '{ApiKeyScopes.Owner}' scope; this key has the '{ApiKeyScopes.Admin}' scope, which is confined to its own organization.",
                "invalid_request_error",
                null,
                AuthErrors.InsufficientPermissions);
        }
    }

    /// <summary>Whether this key may see what belongs to <paramref name="organizationId"/>.</summary>
    public bool Sees(long organizationId) => IsOwner || organizationId == _identity.Organization.Id;

    /// <summary>404 for an organization this key may not see, worded as for one that does not exist.</summary>
    public void RequireOrganization(long organizationId, string entity, long id)
    {
        if (!Sees(organizationId))
        {
            throw NotFound(entity, id);
        }
    }

    public async Task<Project> ProjectAsync(ProjectRepository projects, long id, CancellationToken cancellationToken)
    {
        var project = await projects.GetAsync(id, cancellationToken);
        RequireOrganization(project.OrganizationId, "project", id);
        return project;
    }

    public async Task<ApiKey> ApiKeyAsync(ApiKeyRepository keys, ProjectRepository projects, long id, CancellationToken cancellationToken)
    {
        var key = await keys.GetAsync(id, cancellationToken);
        if (!IsOwner)
        {
            var project = await projects.GetAsync(key.ProjectId, cancellationToken);
            RequireOrganization(project.OrganizationId, "API key", id);
        }

        return key;
    }

    /// <summary>The data layer's own not-found, so a hidden resource and a missing one read the same.</summary>
    private static ApiException NotFound(string entity, long id) =>
        new(StatusCodes.Status404NotFound, $"No {entity} has id {id}.", "invalid_request_error", "id", "not_found");
}
