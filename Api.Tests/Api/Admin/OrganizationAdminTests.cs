using System.Text.Json;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Api.Admin;

[Collection(ApiTests.Name)]
public sealed class OrganizationAdminTests(ApiFixture api)
{
    [Fact]
    public async Task Organizations_CreateGetRenameList_AuditedWithTheActingKey()
    {
        var name = ApiCalls.Unique("acme");
        var created = await api.AdminOkAsync("POST", "/admin/organizations", $$"""{"name":"{{name}}"}""");
        var id = created.Str("id");
        Assert.Equal("organization", created.Str("object"));
        Assert.StartsWith("org_", id, StringComparison.Ordinal);

        var renamed = await api.AdminOkAsync("POST", $"/admin/organizations/{id}", $$"""{"name":"{{name}}-2"}""");
        var fetched = await api.AdminOkAsync("GET", $"/admin/organizations/{id}");

        Assert.Equal(name + "-2", renamed.Str("name"));
        Assert.Equal(name + "-2", fetched.Str("name"));
        var audit = await api.AdminOkAsync("GET", $"/admin/audit?entity_type=organization&entity_id={id}");
        var rows = audit.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["create", "update"], rows.Select(r => r.Str("action")));
        Assert.All(rows, r => Assert.Equal(id, r.Str("entity_id")));
        Assert.All(rows, r => Assert.Equal(ApiKeyDisplay(api.AdminKey), r.Str("actor_display")));
        Assert.All(rows, r => Assert.StartsWith("key_", r.Str("actor_key_id"), StringComparison.Ordinal));
        Assert.Equal(JsonValueKind.Null, rows[0].GetProperty("before").ValueKind);
        Assert.Equal(name, rows[1].GetProperty("before").Str("name"));
        Assert.Equal(name + "-2", rows[1].GetProperty("after").Str("name"));
        Assert.DoesNotContain(api.AdminKey, audit.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Organizations_DuplicateName_409()
    {
        var name = ApiCalls.Unique("dup");
        await api.AdminOkAsync("POST", "/admin/organizations", $$"""{"name":"{{name}}"}""");

        var (status, body) = await api.AdminAsync("POST", "/admin/organizations", $$"""{"name":"{{name}}"}""");

        Assert.Equal(409, status);
        ApiCalls.AssertError(body, "conflict", "name");
    }

    [Theory]
    [InlineData("/admin/organizations/org_999999999")]
    [InlineData("/admin/organizations/abc")]
    [InlineData("/admin/organizations/org_-1")]
    [InlineData("/admin/projects/proj_999999999")]
    [InlineData("/admin/api_keys/key_999999999")]
    [InlineData("/admin/tiers/tier_999999999")]
    [InlineData("/admin/model_prices/price_999999999")]
    public async Task Get_UnknownOrMalformedId_404(string path)
    {
        var (status, body) = await api.AdminAsync("GET", path);

        Assert.Equal(404, status);
        ApiCalls.AssertError(body, "not_found", path.Contains("_9", StringComparison.Ordinal) ? "id" : null);
    }

    [Theory]
    [InlineData("""{}""", "name", "missing_required_parameter")]
    [InlineData("""{"name":" padded "}""", "name", "invalid_value")]
    [InlineData("""{"name":5}""", "name", "invalid_type")]
    public async Task Organizations_BadName_400(string json, string param, string code)
    {
        var (status, body) = await api.AdminAsync("POST", "/admin/organizations", json);

        Assert.Equal(400, status);
        ApiCalls.AssertError(body, code, param);
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=-3")]
    [InlineData("limit=101")]
    [InlineData("limit=ten")]
    public async Task List_BadLimit_400(string query)
    {
        var (status, body) = await api.AdminAsync("GET", "/admin/organizations?" + query);

        Assert.Equal(400, status);
        Assert.Equal("limit", body.GetProperty("error").Str("param"));
    }

    internal static string ApiKeyDisplay(string secret) => "sk-..." + secret[^4..];
}
