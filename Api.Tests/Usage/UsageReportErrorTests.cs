using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Usage;

/// <summary>Bad report queries and keys without the admin scope get OpenAI error objects, never a 500.</summary>
[Collection(ApiTests.Name)]
public sealed class UsageReportErrorTests(ApiFixture api)
{
    private const string Usage = "/v1/organization/usage/completions";
    private const string Costs = "/v1/organization/costs";

    [Theory]
    [InlineData(Usage + "?bucket_width=1d", "missing_required_parameter", "start_time")]
    [InlineData(Usage + "?start_time=abc", "invalid_type", "start_time")]
    [InlineData(Usage + "?start_time=-5", "invalid_value", "start_time")]
    [InlineData(Usage + "?start_time=1700000000&end_time=1700000000", "invalid_value", "end_time")]
    [InlineData(Usage + "?start_time=1700000000&end_time=1600000000", "invalid_value", "end_time")]
    [InlineData(Usage + "?start_time=1700000000&bucket_width=2h", "invalid_value", "bucket_width")]
    [InlineData(Usage + "?start_time=1700000000&group_by=user_id", "invalid_value", "group_by")]
    [InlineData(Usage + "?start_time=1700000000&group_by=project_id,colour", "invalid_value", "group_by")]
    [InlineData(Usage + "?start_time=1700000000&bucket_width=1d&limit=32", "invalid_value", "limit")]
    [InlineData(Usage + "?start_time=1700000000&bucket_width=1h&limit=169", "invalid_value", "limit")]
    [InlineData(Usage + "?start_time=1700000000&bucket_width=1m&limit=1441", "invalid_value", "limit")]
    [InlineData(Usage + "?start_time=1700000000&limit=0", "invalid_value", "limit")]
    [InlineData(Usage + "?start_time=1700000000&page=nonsense", "invalid_value", "page")]
    [InlineData(Usage + "?start_time=1700000000&page=page_MTYwMDAwMDAwMA", "invalid_value", "page")]
    [InlineData(Usage + "?start_time=1700000000&project_ids=42", "invalid_value", "project_ids")]
    [InlineData(Usage + "?start_time=1700000000&start_time=1700000001", "invalid_value", "start_time")]
    [InlineData(Costs + "?start_time=1700000000&bucket_width=1h", "invalid_value", "bucket_width")]
    [InlineData(Costs + "?start_time=1700000000&group_by=model", "invalid_value", "group_by")]
    [InlineData(Costs + "?start_time=1700000000&limit=181", "invalid_value", "limit")]
    [InlineData("/admin/reports/usage.csv?start_time=1700000000&bucket_width=1m", "invalid_value", "bucket_width")]
    [InlineData("/admin/reports/usage.json", "missing_required_parameter", "start_time")]
    public async Task Reports_BadQuery_400NamingTheParameter(string path, string code, string param)
    {
        var (status, body) = await api.AdminAsync("GET", path);

        Assert.Equal(400, status);
        ApiCalls.AssertError(body, code, param);
    }

    [Theory]
    [InlineData(Usage + "?start_time=1700000000")]
    [InlineData(Costs + "?start_time=1700000000")]
    [InlineData("/admin/reports/usage.csv?start_time=1700000000")]
    [InlineData("/admin/reports/usage.json?start_time=1700000000")]
    public async Task Reports_InferenceKey_403AndNoKey_401(string path)
    {
        var (forbidden, error) = await api.SendAsync(api.InferenceKey, "GET", path);
        var (unauthorized, _) = await api.SendAsync(null, "GET", path);

        Assert.Equal(403, forbidden);
        ApiCalls.AssertError(error, "insufficient_permissions");
        Assert.Equal(401, unauthorized);
    }

    [Fact]
    public async Task Usage_Paging_WalksEveryBucketOnce()
    {
        const long Start = 1_700_000_000;
        var seen = new List<long>();
        string? page = null;
        do
        {
            var (status, body) = await api.AdminAsync("GET", $"{Usage}?start_time={Start}&end_time={Start + (10 * 3600) + 60}&bucket_width=1h&limit=4{(page is null ? "" : $"&page={page}")}");
            Assert.Equal(200, status);
            Assert.Empty(OpenAiSchemas.Official.Validate("UsageResponse", body.GetRawText()));
            seen.AddRange(body.GetProperty("data").EnumerateArray().Select(b => b.GetProperty("start_time").GetInt64()));
            page = body.GetProperty("next_page").GetString();
            Assert.Equal(page is not null, body.GetProperty("has_more").GetBoolean());
        }
        while (page is not null);

        Assert.Equal(Enumerable.Range(0, 11).Select(i => Start + (i * 3600L)), seen);
    }
}
