using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
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

    internal static async Task<Ok<AdminList<OrganizationResponse>>> ListAsync(HttpContext context, OrganizationRepository organizations) =>
        TypedResults.Ok(AdminList.From(
            await organizations.ListAsync(AdminList.Page(context.Request, AdminIds.Organization), context.RequestAborted), OrganizationResponse.From, o => o.Id));

    internal static async Task<Created<OrganizationResponse>> CreateAsync(HttpContext context, OrganizationRepository organizations)
    {
        var body = await AdminRequest.ReadAsync(context);
        var created = OrganizationResponse.From(await organizations.CreateAsync(body.RequiredString("name"), AdminRequest.Actor(context), context.RequestAborted));
        return TypedResults.Created($"/admin/organizations/{created.Id}", created);
    }

    internal static async Task<Ok<OrganizationResponse>> GetAsync(HttpContext context, string organization_id, OrganizationRepository organizations) =>
        TypedResults.Ok(OrganizationResponse.From(await organizations.GetAsync(Id(organization_id), context.RequestAborted)));

    internal static async Task<Ok<OrganizationResponse>> UpdateAsync(HttpContext context, string organization_id, OrganizationRepository organizations)
    {
        var id = Id(organization_id);
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
