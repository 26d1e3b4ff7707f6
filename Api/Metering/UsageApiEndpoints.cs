using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Api.Admin;
using Platform.Api.Auth;
using Platform.Billing.Reports;

namespace Platform.Api.Metering;

/// <summary>
/// OpenAI's Usage and Costs APIs over the metered events of the calling admin key's organization:
/// <c>GET /v1/organization/usage/completions</c> (chat and text completions) and <c>GET /v1/organization/costs</c>.
/// Admin-scoped keys only; as OpenAI's admin API, they are not counted against a tier's request limits.
/// </summary>
internal static class UsageApiEndpoints
{
    public static IEndpointRouteBuilder MapUsageApi(this IEndpointRouteBuilder routes)
    {
        var organization = routes.MapGroup("/v1/organization").RequireAdminKey();
        organization.MapGet("/usage/completions", CompletionsAsync);
        organization.MapGet("/costs", CostsAsync);
        return routes;
    }

    internal static async Task<JsonHttpResult<UsagePage<CompletionsUsageResult>>> CompletionsAsync(HttpContext context, UsageReportRepository reports, TimeProvider time)
    {
        var p = UsageParameters.ForCompletions(context.Request.Query, time.GetUtcNow());
        var grouping = new UsageGrouping(false, p.GroupBy.Contains("project_id"), p.GroupBy.Contains("api_key_id"), p.GroupBy.Contains("model"));
        var rows = await RowsAsync(context, reports, p, grouping, completionsOnly: true);
        return Page<CompletionsUsageResult>(p, rows, r => [new CompletionsUsageResult(
            "organization.usage.completions.result",
            r.InputTokens,
            r.CachedInputTokens,
            r.InputTokens - r.CachedInputTokens,
            r.OutputTokens,
            r.Requests,
            AdminIds.Format(AdminIds.Project, r.ProjectId),
            AdminIds.Format(AdminIds.ApiKey, r.ApiKeyId),
            r.Model)]);
    }

    internal static async Task<JsonHttpResult<UsagePage<CostsResult>>> CostsAsync(HttpContext context, UsageReportRepository reports, TimeProvider time)
    {
        var p = UsageParameters.ForCosts(context.Request.Query, time.GetUtcNow());
        var lineItems = p.GroupBy.Contains("line_item");
        var grouping = new UsageGrouping(false, p.GroupBy.Contains("project_id"), p.GroupBy.Contains("api_key_id"), lineItems);
        var rows = await RowsAsync(context, reports, p, grouping, completionsOnly: false);
        return Page<CostsResult>(p, rows, r =>
        {
            var project = AdminIds.Format(AdminIds.Project, r.ProjectId);
            var key = AdminIds.Format(AdminIds.ApiKey, r.ApiKeyId);
            if (!lineItems)
            {
                return [Costs(r.TotalCost, null, project, key, null)];
            }

            // Requests that named no model (model lists, refusals before parsing) cost nothing: no line item to show.
            if (r.Model is not { } model)
            {
                return [];
            }

            return
            [
                Costs(r.InputCost, $"{model}, input", project, key, r.InputTokens - r.CachedInputTokens),
                Costs(r.CachedInputCost, $"{model}, cached input", project, key, r.CachedInputTokens),
                Costs(r.OutputCost, $"{model}, output", project, key, r.OutputTokens),
            ];
        });
    }

    private static CostsResult Costs(decimal unrounded, string? lineItem, string? project, string? key, long? tokens) =>
        new("organization.costs.result", new CostAmount(Fixed(unrounded), "usd"), lineItem, project, key, tokens, tokens is null ? null : "tokens");

    /// <summary>Always <see cref="Cost.Decimals"/> decimals (<c>0.000000</c>, <c>1.500000</c>), whatever the scale the sum came with.</summary>
    internal static decimal Fixed(decimal unrounded) => Cost.Round(unrounded) + 0.000000m;

    private static async Task<List<UsageRow>> RowsAsync(HttpContext context, UsageReportRepository reports, UsageParameters p, UsageGrouping grouping, bool completionsOnly)
    {
        var organization = context.GetApiKey().Identity.Organization.Id;
        var query = new UsageQuery(p.PageStart, p.PageEnd, p.Width, p.Start, grouping, organization, completionsOnly, p.ProjectIds, p.ApiKeyIds, p.Models);
        var rows = new List<UsageRow>();
        await foreach (var row in reports.RowsAsync(query, context.RequestAborted))
        {
            rows.Add(row);
        }

        return rows;
    }

    private static JsonHttpResult<UsagePage<T>> Page<T>(UsageParameters p, List<UsageRow> rows, Func<UsageRow, IEnumerable<T>> results)
    {
        var byBucket = rows.ToLookup(r => r.BucketStart.ToUnixTimeSeconds());
        var buckets = p.Buckets()
            .Select(b => new UsageBucket<T>(
                "bucket",
                b.Start.ToUnixTimeSeconds(),
                b.End.ToUnixTimeSeconds(),
                [.. byBucket[b.Start.ToUnixTimeSeconds()].SelectMany(results)]))
            .ToList();
        return TypedResults.Json(new UsagePage<T>("page", buckets, p.NextPage is not null, p.NextPage), ApiJson.Options);
    }
}
