using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Primitives;
using Platform.Api.Admin;
using Platform.Api.Errors;
using Platform.Billing.Reports;

namespace Platform.Api.Metering;

/// <summary>
/// The query of OpenAI's Usage and Costs APIs, checked: <c>start_time</c> (required) and <c>end_time</c> in Unix
/// seconds (end exclusive, default now), <c>bucket_width</c>, <c>group_by</c>, <c>limit</c> (buckets per page),
/// <c>page</c> (the previous page's <c>next_page</c>) and the <c>project_ids</c>, <c>api_key_ids</c>,
/// <c>models</c> filters. Arrays may be repeated (<c>group_by=a&amp;group_by=b</c>), bracketed
/// (<c>group_by[]=a</c>) or comma-separated. Every fault is a 400 naming the parameter.
/// </summary>
internal sealed record UsageParameters(
    DateTimeOffset Start,
    DateTimeOffset End,
    BucketWidth Width,
    DateTimeOffset PageStart,
    DateTimeOffset PageEnd,
    IReadOnlySet<string> GroupBy,
    IReadOnlyList<long> ProjectIds,
    IReadOnlyList<long> ApiKeyIds,
    IReadOnlyList<string> Models)
{
    private const string PagePrefix = "page_";

    /// <summary>The cursor of the page after this one; null on the last page.</summary>
    public string? NextPage => PageEnd < End ? PagePrefix + Base64Url.EncodeToString(Encoding.ASCII.GetBytes(PageEnd.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture))) : null;

    /// <summary>The buckets of this page: from <see cref="PageStart"/> by <see cref="Width"/>, the last one cut at <see cref="End"/>.</summary>
    public IEnumerable<(DateTimeOffset Start, DateTimeOffset End)> Buckets()
    {
        for (var start = PageStart; start < PageEnd; start += Width.Length)
        {
            var end = start + Width.Length;
            yield return (start, end < End ? end : End);
        }
    }

    /// <summary><c>GET /v1/organization/usage/completions</c>: 1m (limit 1-1440, default 60), 1h (1-168, 24), 1d (1-31, 7).</summary>
    public static UsageParameters ForCompletions(IQueryCollection query, DateTimeOffset now)
    {
        var width = ParseWidth(query, ["1m", "1h", "1d"]);
        var (fallback, max) = width.Name switch
        {
            "1m" => (60, 1440),
            "1h" => (24, 168),
            _ => (7, 31),
        };
        return Read(query, now, width, fallback, max, ["project_id", "api_key_id", "model"]);
    }

    /// <summary><c>GET /v1/organization/costs</c>: 1d buckets only, limit 1-180 (default 7).</summary>
    public static UsageParameters ForCosts(IQueryCollection query, DateTimeOffset now) =>
        Read(query, now, ParseWidth(query, ["1d"]), 7, 180, ["project_id", "api_key_id", "line_item"]);

    /// <summary>The admin reports: the range and 1h or 1d (UTC hours or days); no paging.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End, BucketWidth Width) ForReport(IQueryCollection query, DateTimeOffset now)
    {
        var width = ParseWidth(query, ["1h", "1d"]);
        var (start, end) = Range(query, now);
        return (start, end, width);
    }

    private static UsageParameters Read(IQueryCollection query, DateTimeOffset now, BucketWidth width, int defaultLimit, int maxLimit, string[] groups)
    {
        var (start, end) = Range(query, now);
        var limit = Integer(query, "limit") ?? defaultLimit;
        if (limit < 1 || limit > maxLimit)
        {
            throw ApiException.InvalidValue("limit", $"must be between 1 and {maxLimit} for bucket_width {width.Name}; got {limit}.");
        }

        var pageStart = Page(query, start, end, width);
        var pageEnd = pageStart + (width.Length * limit);
        var groupBy = Array(query, "group_by").ToHashSet(StringComparer.Ordinal);
        if (groupBy.FirstOrDefault(g => !groups.Contains(g)) is { } unknown)
        {
            throw ApiException.InvalidValue("group_by", $"'{unknown}' is not supported; use any of {string.Join(", ", groups)}.");
        }

        return new UsageParameters(
            start,
            end,
            width,
            pageStart,
            pageEnd < end ? pageEnd : end,
            groupBy,
            [.. Array(query, "project_ids").Select(id => AdminIds.FromField(AdminIds.Project, id, "project_ids"))],
            [.. Array(query, "api_key_ids").Select(id => AdminIds.FromField(AdminIds.ApiKey, id, "api_key_ids"))],
            [.. Array(query, "models")]);
    }

    private static (DateTimeOffset Start, DateTimeOffset End) Range(IQueryCollection query, DateTimeOffset now)
    {
        var start = Integer(query, "start_time") ?? throw ApiException.Missing("start_time");
        var end = Integer(query, "end_time") ?? Math.Max(now.ToUnixTimeSeconds() + 1, start + 1);
        if (start < 0 || start > DateTimeOffset.MaxValue.ToUnixTimeSeconds() / 2)
        {
            throw ApiException.InvalidValue("start_time", $"must be a Unix time in seconds; got {start}.");
        }

        if (end <= start || end > DateTimeOffset.MaxValue.ToUnixTimeSeconds() / 2)
        {
            throw ApiException.InvalidValue("end_time", $"must be after start_time ({start}); got {end}.");
        }

        return (DateTimeOffset.FromUnixTimeSeconds(start), DateTimeOffset.FromUnixTimeSeconds(end));
    }

    private static BucketWidth ParseWidth(IQueryCollection query, string[] allowed)
    {
        var text = Single(query, "bucket_width") ?? "1d";
        return allowed.Contains(text) && BucketWidth.Parse(text) is { } width
            ? width
            : throw ApiException.InvalidValue("bucket_width", $"must be one of {string.Join(", ", allowed)}; got '{text}'.");
    }

    private static DateTimeOffset Page(IQueryCollection query, DateTimeOffset start, DateTimeOffset end, BucketWidth width)
    {
        if (Single(query, "page") is not { } page)
        {
            return start;
        }

        long seconds = -1;
        if (page.StartsWith(PagePrefix, StringComparison.Ordinal) && Base64Url.IsValid(page.AsSpan(PagePrefix.Length)))
        {
            _ = long.TryParse(Encoding.ASCII.GetString(Base64Url.DecodeFromChars(page.AsSpan(PagePrefix.Length))), NumberStyles.None, CultureInfo.InvariantCulture, out seconds);
        }

        var at = seconds >= 0 && seconds < end.ToUnixTimeSeconds() ? DateTimeOffset.FromUnixTimeSeconds(seconds) : DateTimeOffset.MinValue;
        if (at < start || at >= end || (at - start).Ticks % width.Length.Ticks != 0)
        {
            throw ApiException.InvalidValue("page", "is not a cursor of this query; pass the next_page of the previous response with the same start_time, end_time and bucket_width.");
        }

        return at;
    }

    private static long? Integer(IQueryCollection query, string name)
    {
        if (Single(query, name) is not { } text)
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw ApiException.InvalidType(name, "an integer", $"'{text}'");
    }

    private static string? Single(IQueryCollection query, string name)
    {
        var values = query[name];
        if (values.Count > 1)
        {
            throw ApiException.InvalidValue(name, "must be given once.");
        }

        return StringValues.IsNullOrEmpty(values) ? null : values.ToString();
    }

    private static IEnumerable<string> Array(IQueryCollection query, string name) =>
        query[name].Concat(query[name + "[]"])
            .SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.Ordinal);
}
