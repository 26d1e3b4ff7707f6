using System.Globalization;
using Platform.Api.Admin;
using Platform.Billing.Reports;

namespace Platform.Api.Metering;

/// <summary>
/// One line of the admin usage report as text, the same for CSV and JSON: the period (UTC), the organization,
/// project and key ids (empty for requests that had no valid key), the model (empty for requests that named none),
/// requests, the three token counts and the cost in USD rounded to 6 decimals.
/// </summary>
internal sealed record UsageReportLine(
    string PeriodStart,
    string PeriodEnd,
    string? OrganizationId,
    string? ProjectId,
    string? ApiKeyId,
    string? Model,
    long Requests,
    long InputTokens,
    long CachedInputTokens,
    long OutputTokens,
    string CostUsd)
{
    public static readonly string[] Header =
        ["period_start", "period_end", "organization_id", "project_id", "api_key_id", "model", "requests", "input_tokens", "cached_input_tokens", "output_tokens", "cost_usd"];

    public static UsageReportLine Of(UsageRow row, BucketWidth width) => new(
        Time(row.BucketStart),
        Time(row.BucketStart + width.Length),
        AdminIds.Format(AdminIds.Organization, row.OrganizationId),
        AdminIds.Format(AdminIds.Project, row.ProjectId),
        AdminIds.Format(AdminIds.ApiKey, row.ApiKeyId),
        row.Model,
        row.Requests,
        row.InputTokens,
        row.CachedInputTokens,
        row.OutputTokens,
        Money(row.TotalCost));

    public static string Money(decimal unrounded) => Cost.Round(unrounded).ToString("0.000000", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

/// <summary>Sums of a report as it streams; the cost total is rounded once, from the unrounded row costs.</summary>
internal sealed class UsageReportTotals
{
    public long Requests { get; private set; }

    public long InputTokens { get; private set; }

    public long CachedInputTokens { get; private set; }

    public long OutputTokens { get; private set; }

    public decimal Cost { get; private set; }

    public void Add(UsageRow row)
    {
        Requests += row.Requests;
        InputTokens += row.InputTokens;
        CachedInputTokens += row.CachedInputTokens;
        OutputTokens += row.OutputTokens;
        Cost += row.TotalCost;
    }
}
