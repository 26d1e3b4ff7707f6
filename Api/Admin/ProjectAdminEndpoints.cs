using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Api.Auth;
using Platform.Billing.Accounts;
using Platform.Billing.Tiers;

namespace Platform.Api.Admin;

/// <summary>Projects: created and listed under their organization, read and changed (renamed, moved to another tier) by id.</summary>
internal static class ProjectAdminEndpoints
{
    public static IEndpointRouteBuilder MapProjectAdmin(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/organizations/{organization_id}/projects", ListAsync);
        routes.MapPost("/organizations/{organization_id}/projects", CreateAsync);
        routes.MapGet("/projects/{project_id}", GetAsync);
        routes.MapPost("/projects/{project_id}", UpdateAsync);
        return routes;
    }

    internal static async Task<Ok<AdminList<ProjectResponse>>> ListAsync(HttpContext context, string organization_id, ProjectRepository projects)
    {
        var organization = AdminIds.FromPath(AdminIds.Organization, organization_id, "organization");
        AdminAccess.Of(context).RequireOrganization(organization, "organization", organization);
        var page = await projects.ListAsync(organization, AdminList.Page(context.Request, AdminIds.Project), context.RequestAborted);
        return TypedResults.Ok(AdminList.From(page, ProjectResponse.From, p => p.Id));
    }

    /// <summary>A new project on <c>tier_id</c> (an owner's choice), or else on the platform's entry tier.</summary>
    internal static async Task<Created<ProjectResponse>> CreateAsync(HttpContext context, string organization_id, ProjectRepository projects, TierRepository tiers)
    {
        var organization = AdminIds.FromPath(AdminIds.Organization, organization_id, "organization");
        var access = AdminAccess.Of(context);
        access.RequireOrganization(organization, "organization", organization);
        var body = await AdminRequest.ReadAsync(context);
        var name = body.RequiredString("name");
        var tier = body.OptionalString("tier_id") is { } text
            ? await TierOfAsync(access, tiers, text, context.RequestAborted)
            : (await tiers.EntryTierAsync(context.RequestAborted)).Id;
        var created = ProjectResponse.From(await projects.CreateAsync(organization, name, tier, AdminRequest.Actor(context), context.RequestAborted));
        return TypedResults.Created($"/admin/projects/{created.Id}", created);
    }

    internal static async Task<Ok<ProjectResponse>> GetAsync(HttpContext context, string project_id, ProjectRepository projects) =>
        TypedResults.Ok(ProjectResponse.From(await AdminAccess.Of(context).ProjectAsync(projects, Id(project_id), context.RequestAborted)));

    /// <summary>Renames the project and/or moves it to <c>tier_id</c>; its keys get the new limits at once on this replica.</summary>
    internal static async Task<Ok<ProjectResponse>> UpdateAsync(HttpContext context, string project_id, ProjectRepository projects, TierRepository tiers, ApiKeyCache cache)
    {
        var id = Id(project_id);
        var access = AdminAccess.Of(context);
        await access.ProjectAsync(projects, id, context.RequestAborted);
        var body = await AdminRequest.ReadAsync(context);
        var tier = body.OptionalString("tier_id") is { } text ? await TierOfAsync(access, tiers, text, context.RequestAborted) : (long?)null;
        var updated = await projects.UpdateAsync(id, new ProjectChanges(body.OptionalString("name"), tier), AdminRequest.Actor(context), context.RequestAborted);
        if (tier is not null)
        {
            cache.Invalidate(ApiKeyInvalidation.All);
        }

        return TypedResults.Ok(ProjectResponse.From(updated));
    }

    private static long Id(string text) => AdminIds.FromPath(AdminIds.Project, text, "project");

    /// <summary>Choosing a project's tier is the operator's: it sets what the project may spend.</summary>
    private static async Task<long> TierOfAsync(AdminAccess access, TierRepository tiers, string text, CancellationToken cancellationToken)
    {
        access.RequireOwner("assigning a project's tier");
        return await TierIds.ResolveAsync(tiers, text, "tier_id", cancellationToken);
    }
}

/// <summary>OpenAI's <c>organization.project</c>, with the organization and tier it belongs to.</summary>
internal sealed record ProjectResponse(string Id, string OrganizationId, string Name, string TierId, long CreatedAt, long UpdatedAt)
{
    [JsonPropertyOrder(-1)]
    public string Object { get; init; } = "organization.project";

    public string Status { get; init; } = "active";

    public static ProjectResponse From(Project p) => new(
        AdminIds.Format(AdminIds.Project, p.Id),
        AdminIds.Format(AdminIds.Organization, p.OrganizationId),
        p.Name,
        AdminIds.Format(AdminIds.Tier, p.TierId),
        AdminRequest.Unix(p.CreatedAt),
        AdminRequest.Unix(p.UpdatedAt));
}
