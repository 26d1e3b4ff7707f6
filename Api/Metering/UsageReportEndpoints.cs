using Platform.Api.Auth;
using Platform.Billing.Reports;

namespace Platform.Api.Metering;

/// <summary>
/// The finance reports: <c>GET /admin/reports/usage.csv</c> and <c>usage.json</c>, one row per (UTC hour or day,
/// organization, project, key, model) with a totals row: across all organizations for an owner key, of its own
/// organization for an admin key.
/// </summary>
internal static class UsageReportEndpoints
{
    /// <summary>Bucket origin: UTC hours and days start at whole hours and midnights.</summary>
    private static readonly DateTimeOffset Epoch = DateTimeOffset.UnixEpoch;

    public static IEndpointRouteBuilder MapUsageReports(this IEndpointRouteBuilder routes)
    {
        var reports = routes.MapGroup("/admin/reports").RequireAdminKey();
        reports.MapGet("/usage.csv", (HttpContext context, UsageReportRepository repository, TimeProvider time) => Report(context, repository, time, csv: true));
        reports.MapGet("/usage.json", (HttpContext context, UsageReportRepository repository, TimeProvider time) => Report(context, repository, time, csv: false));
        return routes;
    }

    internal static UsageReportResult Report(HttpContext context, UsageReportRepository repository, TimeProvider time, bool csv)
    {
        var (start, end, width) = UsageParameters.ForReport(context.Request.Query, time.GetUtcNow());
        var organization = Admin.AdminAccess.Of(context).OrganizationScope;
        return new UsageReportResult(repository, new UsageQuery(start, end, width, Epoch, UsageGrouping.All, organization), csv);
    }
}
