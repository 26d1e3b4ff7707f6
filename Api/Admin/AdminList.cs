using System.Globalization;
using System.Text.Json.Serialization;
using Platform.Api.Errors;
using Platform.Billing;

namespace Platform.Api.Admin;

/// <summary>OpenAI's list object: one page, the ids at its ends, and whether a next page exists (<c>after</c> = <c>last_id</c>).</summary>
internal sealed record AdminList<T>(IReadOnlyList<T> Data, string? FirstId, string? LastId, bool HasMore)
{
    [JsonPropertyOrder(-1)]
    public string Object { get; init; } = "list";
}

internal static class AdminList
{
    public static AdminList<TOut> From<TIn, TOut>(Page<TIn> page, Func<TIn, TOut> map, Func<TOut, string> id)
    {
        var data = page.Items.Select(map).ToList();
        return new AdminList<TOut>(data, data.Count > 0 ? id(data[0]) : null, data.Count > 0 ? id(data[^1]) : null, page.HasMore);
    }

    /// <summary><c>limit</c> (1-100, default 20; the range is the data layer's to check) and <c>after</c> from the query.</summary>
    public static PageRequest Page(HttpRequest request, string prefix)
    {
        var limit = PageRequest.DefaultLimit;
        if (request.Query["limit"].ToString() is { Length: > 0 } text && !int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out limit))
        {
            throw ApiException.InvalidType("limit", "an integer", $"'{text}'");
        }

        long? after = request.Query["after"].ToString() is { Length: > 0 } cursor ? AdminIds.FromField(prefix, cursor, "after") : null;
        return new PageRequest(limit, after);
    }
}
