using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Api.Admin;

[Collection(ApiTests.Name)]
public sealed class TierAndPriceAdminTests(ApiFixture api)
{
    [Fact]
    public async Task Tiers_CreateThenUpdateSomeFields_OthersKeptAndAudited()
    {
        var name = $"t-{Guid.NewGuid():N}"[..20];
        var created = await api.AdminOkAsync("POST", "/admin/tiers",
            $$"""{"name":"{{name}}","requests_per_minute":10,"tokens_per_minute":1000,"tokens_per_day":5000,"max_concurrent_requests":2}""");
        var id = created.Str("id");

        var updated = await api.AdminOkAsync("POST", $"/admin/tiers/{id}", """{"requests_per_minute":20,"allowed_models":["tiny-synthetic"]}""");

        Assert.Equal("tier", created.Str("object"));
        Assert.Equal(20, updated.GetProperty("requests_per_minute").GetInt32());
        Assert.Equal(1000, updated.GetProperty("tokens_per_minute").GetInt64());
        Assert.Equal(["tiny-synthetic"], updated.GetProperty("allowed_models").EnumerateArray().Select(m => m.GetString()));
        var audit = await api.AdminOkAsync("GET", $"/admin/audit?entity_type=tier&entity_id={id}");
        Assert.Equal(["create", "update"], audit.GetProperty("data").EnumerateArray().Select(r => r.Str("action")));
    }

    [Theory]
    [InlineData("requests_per_minute", "0")]
    [InlineData("tokens_per_minute", "-5")]
    [InlineData("max_concurrent_requests", "0")]
    public async Task Tiers_ZeroOrNegativeLimit_400(string field, string value)
    {
        var json = $$"""{"name":"bad","requests_per_minute":10,"tokens_per_minute":1000,"tokens_per_day":5000,"max_concurrent_requests":2,"{{field}}":{{value}}}""";

        var (status, body) = await api.AdminAsync("POST", "/admin/tiers", json);

        Assert.Equal(400, status);
        ApiCalls.AssertError(body, "invalid_value", field);
    }

    [Fact]
    public async Task Tiers_DuplicateName_409()
    {
        var (status, body) = await api.AdminAsync("POST", "/admin/tiers",
            """{"name":"tier-1","requests_per_minute":10,"tokens_per_minute":1000,"tokens_per_day":5000,"max_concurrent_requests":2}""");

        Assert.Equal(409, status);
        ApiCalls.AssertError(body, "conflict", "name");
    }

    [Fact]
    public async Task Prices_CreateScheduledCorrectAndList_InEffectRefused409()
    {
        var model = ApiCalls.Unique("model");
        var later = DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeSeconds();
        var now = await api.AdminOkAsync("POST", "/admin/model_prices", $$"""{"model":"{{model}}","input_per_million":1.5,"output_per_million":2}""");
        var scheduled = await api.AdminOkAsync("POST", "/admin/model_prices",
            $$"""{"model":"{{model}}","input_per_million":3,"output_per_million":4,"effective_from":{{later}}}""");

        var corrected = await api.AdminOkAsync("POST", $"/admin/model_prices/{scheduled.Str("id")}", """{"output_per_million":4.25}""");
        var (refused, refusedBody) = await api.AdminAsync("POST", $"/admin/model_prices/{now.Str("id")}", """{"output_per_million":9}""");
        var list = await api.AdminOkAsync("GET", $"/admin/model_prices?model={model}");

        Assert.Equal("model_price", now.Str("object"));
        Assert.Equal(1.5m, now.GetProperty("input_per_million").GetDecimal());
        Assert.Equal(4.25m, corrected.GetProperty("output_per_million").GetDecimal());
        Assert.Equal(409, refused);
        ApiCalls.AssertError(refusedBody, "conflict", "id");
        Assert.Equal(2, list.GetProperty("data").GetArrayLength());
        var audit = await api.AdminOkAsync("GET", $"/admin/audit?entity_type=model_price&entity_id={scheduled.Str("id")}");
        Assert.Equal(["create", "update"], audit.GetProperty("data").EnumerateArray().Select(r => r.Str("action")));
    }

    [Fact]
    public async Task Prices_Negative_400()
    {
        var (status, body) = await api.AdminAsync("POST", "/admin/model_prices", """{"model":"m","input_per_million":-1,"output_per_million":2}""");

        Assert.Equal(400, status);
        ApiCalls.AssertError(body, "invalid_value", "input_per_million");
    }
}
