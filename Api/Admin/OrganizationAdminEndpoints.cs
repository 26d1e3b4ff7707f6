using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Billing;
using Platform.Billing.Accounts;

namespace Platform.Api.Admin;

/// <summary><c>/admin/organizations</c>: create, list, get and rename organizations.</summary>
internal static class OrganizationAdminEndpoints
{
    public static IEndpointRouteBuilder MapOrganizationAdmin(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/organizations", ListAsync);
        routes.MapPost("/organizations", CreateAsync);
        routes.MapGet("/organizations/{organization_id}", GetAsync);
        routes.MapPost("/organizations/{organization_id}", UpdateAsync);
        return routes;
    }

    /// <summary>Every organization for an owner; for an admin, a list of its own organization alone.</summary>
    internal static async Task<Ok<AdminList<OrganizationResponse>>> ListAsync(HttpContext context, OrganizationRepository organizations)
    {
        var page = AdminList.Page(context.Request, AdminIds.Organization);
        if (AdminAccess.Of(context).OrganizationScope is not { } own)
        {
            return TypedResults.Ok(AdminList.From(await organizations.ListAsync(page, context.RequestAborted), OrganizationResponse.From, o => o.Id));
        }

        Organization[] mine = page.After >= own ? [] : [await organizations.GetAsync(own, context.RequestAborted)];
        return TypedResults.Ok(AdminList.From(new Page<Organization>(mine, false), OrganizationResponse.From, o => o.Id));
    }

    internal static async Task<Created<OrganizationResponse>> CreateAsync(HttpContext context, OrganizationRepository organizations)
    {
        AdminAccess.Of(context).RequireOwner("creating an organization");
        var body = await AdminRequest.ReadAsync(context);
        var created = OrganizationResponse.From(await organizations.CreateAsync(body.RequiredString("name"), AdminRequest.Actor(context), context.RequestAborted));
        return TypedResults.Created($"/admin/organizations/{created.Id}", created);
    }

    internal static async Task<Ok<OrganizationResponse>> GetAsync(HttpContext context, string organization_id, OrganizationRepository organizations)
    {
        var id = Id(organization_id);
        AdminAccess.Of(context).RequireOrganization(id, "organization", id);
        return TypedResults.Ok(OrganizationResponse.From(await organizations.GetAsync(id, context.RequestAborted)));
    }

    internal static async Task<Ok<OrganizationResponse>> UpdateAsync(HttpContext context, string organization_id, OrganizationRepository organizations)
    {
        var id = Id(organization_id);
        var access = AdminAccess.Of(context);
        access.RequireOrganization(id, "organization", id);
        access.RequireOwner("renaming an organization");
        var body = await AdminRequest.ReadAsync(context);
        return TypedResults.Ok(OrganizationResponse.From(await organizations.UpdateAsync(id, body.RequiredString("name"), AdminRequest.Actor(context), context.RequestAborted)));
    }

    private static long Id(string text) => AdminIds.FromPath(AdminIds.Organization, text, "organization");
}

internal sealed record OrganizationResponse(string Id, string Name, long CreatedAt, long UpdatedAt)
{
    [JsonPropertyOrder(-1)]
    public string Object { get; init; } = "organization";

    public static OrganizationResponse From(Organization o) =>
        new(AdminIds.Format(AdminIds.Organization, o.Id), o.Name, AdminRequest.Unix(o.CreatedAt), AdminRequest.Unix(o.UpdatedAt));
}
