using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Api.Auth;
using Platform.Api.Budgets;
using Platform.Api.Errors;
using Platform.Api.Sampling;
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

    /// <summary>The project with its month's spend so far (settled requests, priced as the Costs API prices them).</summary>
    internal static async Task<Ok<ProjectResponse>> GetAsync(HttpContext context, string project_id, ProjectRepository projects, BudgetLedger budgets)
    {
        var project = await AdminAccess.Of(context).ProjectAsync(projects, Id(project_id), context.RequestAborted);
        return TypedResults.Ok(await WithSpendAsync(project, budgets, context.RequestAborted));
    }

    /// <summary>Renames the project and/or moves it to <c>tier_id</c>; its keys get the new limits at once on this replica.</summary>
    /// <summary>
    /// Renames the project, moves it to <c>tier_id</c> and/or sets its budget (<c>monthly_budget_usd</c>,
    /// <c>budget_alert_ratio</c>; <c>null</c> removes one); its keys get the new limits at once on this replica.
    /// </summary>
    internal static async Task<Ok<ProjectResponse>> UpdateAsync(
        HttpContext context, string project_id, ProjectRepository projects, TierRepository tiers, ApiKeyCache cache, BudgetLedger budgets)
    {
        var id = Id(project_id);
        var access = AdminAccess.Of(context);
        var current = await access.ProjectAsync(projects, id, context.RequestAborted);
        var body = await AdminRequest.ReadAsync(context);
        var tier = body.OptionalString("tier_id") is { } text ? await TierOfAsync(access, tiers, text, context.RequestAborted) : (long?)null;
        var budget = BudgetOf(access, body, current);
        var updated = await projects.UpdateAsync(id, new ProjectChanges(body.OptionalString("name"), tier, budget), AdminRequest.Actor(context), context.RequestAborted);
        if (tier is not null || budget is not null)
        {
            cache.Invalidate(ApiKeyInvalidation.All);
        }

        return TypedResults.Ok(await WithSpendAsync(updated, budgets, context.RequestAborted));
    }

    private static async Task<ProjectResponse> WithSpendAsync(Project project, BudgetLedger budgets, CancellationToken cancellationToken) =>
        ProjectResponse.From(project) with { MonthSpendUsd = decimal.Round(await budgets.MonthSpendAsync(project.Id, true, cancellationToken), 6) };

    /// <summary>The budget fields given in the body, merged with the current ones; null when the body has neither.</summary>
    private static ProjectBudget? BudgetOf(AdminAccess access, JsonRequest body, Project current)
    {
        var hasBudget = body.Root.TryGetProperty("monthly_budget_usd", out var budgetValue);
        var hasRatio = body.Root.TryGetProperty("budget_alert_ratio", out var ratioValue);
        if (!hasBudget && !hasRatio)
        {
            return null;
        }

        // The budget caps what the organization may spend, as the tier does: the operator's choice.
        access.RequireOwner("setting a project's budget");
        var budget = hasBudget ? Amount(budgetValue, "monthly_budget_usd", 1_000_000_000_000m, false) : current.MonthlyBudgetUsd;
        var ratio = hasRatio ? Amount(ratioValue, "budget_alert_ratio", 1m, true) : current.BudgetAlertRatio;
        return new ProjectBudget(budget, ratio);
    }

    /// <summary>A positive number up to <paramref name="max"/> with at most six decimals, or null (none).</summary>
    private static decimal? Amount(JsonElement value, string name, decimal max, bool ratio)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out var number))
        {
            throw ApiException.InvalidType(name, "a number or null", JsonRequest.Describe(value));
        }

        if (number <= 0m || number > max || decimal.Round(number, 6) != number)
        {
            var range = ratio ? "greater than 0 and at most 1" : "greater than 0 and at most 1000000000000";
            throw new ApiException(StatusCodes.Status400BadRequest, $"Invalid '{name}': {number}. It must be {range}, with at most six decimals, or null to remove it.", "invalid_request_error", name, "invalid_value");
        }

        return number;
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
internal sealed record ProjectResponse(
    string Id, string OrganizationId, string Name, string TierId, long CreatedAt, long UpdatedAt, decimal? MonthlyBudgetUsd, decimal? BudgetAlertRatio)
{
    [JsonPropertyOrder(-1)]
    public string Object { get; init; } = "organization.project";

    public string Status { get; init; } = "active";

    /// <summary>Settled spend in USD in the current UTC month; shown when one project is read or changed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public decimal? MonthSpendUsd { get; init; }

    public static ProjectResponse From(Project p) => new(
        AdminIds.Format(AdminIds.Project, p.Id),
        AdminIds.Format(AdminIds.Organization, p.OrganizationId),
        p.Name,
        AdminIds.Format(AdminIds.Tier, p.TierId),
        AdminRequest.Unix(p.CreatedAt),
        AdminRequest.Unix(p.UpdatedAt),
        p.MonthlyBudgetUsd,
        p.BudgetAlertRatio);
}
