using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Auth;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Api.Admin;

[Collection(ApiTests.Name)]
public sealed class ProjectAdminTests(ApiFixture api)
{
    [Fact]
    public async Task Projects_ChangeTier_ReflectedInProjectAndKeyAtOnce()
    {
        var (project, tier1, tier2) = await NewProjectAsync();
        var key = await api.AdminOkAsync("POST", $"/admin/projects/{project}/api_keys", """{"name":"k"}""");
        var secret = key.Str("value");
        var cache = api.Services.GetRequiredService<ApiKeyCache>();
        Assert.Equal(200, await api.ListModelsStatusAsync(secret));
        Assert.Equal(tier1, "tier_" + (await cache.FindAsync(secret, default))!.Tier.Id);

        var updated = await api.AdminOkAsync("POST", $"/admin/projects/{project}", $$"""{"tier_id":"{{tier2}}"}""");

        Assert.Equal(tier2, updated.Str("tier_id"));
        Assert.Equal(tier2, (await api.AdminOkAsync("GET", $"/admin/projects/{project}")).Str("tier_id"));
        Assert.Equal(tier2, "tier_" + (await cache.FindAsync(secret, default))!.Tier.Id);
        var audit = await api.AdminOkAsync("GET", $"/admin/audit?entity_type=project&entity_id={project}");
        var update = audit.GetProperty("data").EnumerateArray().Last();
        Assert.Equal("update", update.Str("action"));
        Assert.Equal(tier2, update.GetProperty("after").Str("tier_id"));
        Assert.Equal(project, update.GetProperty("after").Str("id"));
        Assert.StartsWith("org_", update.GetProperty("before").Str("organization_id"), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Number, update.GetProperty("after").GetProperty("updated_at").ValueKind);
        Assert.Equal(update.GetProperty("created_at").GetInt64(), update.GetProperty("after").GetProperty("updated_at").GetInt64());
    }

    [Fact]
    public async Task Projects_Paginated_LimitAndAfter()
    {
        var org = (await api.AdminOkAsync("POST", "/admin/organizations", $$"""{"name":"{{ApiCalls.Unique("pages")}}"}""")).Str("id");
        var tier = await TierIdAsync("free");
        foreach (var name in new[] { "a", "b", "c" })
        {
            await api.AdminOkAsync("POST", $"/admin/organizations/{org}/projects", $$"""{"name":"{{name}}","tier_id":"{{tier}}"}""");
        }

        var first = await api.AdminOkAsync("GET", $"/admin/organizations/{org}/projects?limit=2");
        var second = await api.AdminOkAsync("GET", $"/admin/organizations/{org}/projects?limit=2&after={first.Str("last_id")}");

        Assert.Equal("list", first.Str("object"));
        Assert.Equal(["a", "b"], first.GetProperty("data").EnumerateArray().Select(p => p.Str("name")));
        Assert.True(first.GetProperty("has_more").GetBoolean());
        Assert.Equal(first.GetProperty("data")[0].Str("id"), first.Str("first_id"));
        Assert.Equal(["c"], second.GetProperty("data").EnumerateArray().Select(p => p.Str("name")));
        Assert.False(second.GetProperty("has_more").GetBoolean());
        Assert.Equal("organization.project", second.GetProperty("data")[0].Str("object"));
    }

    [Fact]
    public async Task Projects_UnknownTier_404AndMalformedTier_400()
    {
        var (project, _, _) = await NewProjectAsync();

        var (unknown, unknownBody) = await api.AdminAsync("POST", $"/admin/projects/{project}", """{"tier_id":"tier_999999"}""");
        var (unnamed, unnamedBody) = await api.AdminAsync("POST", $"/admin/projects/{project}", """{"tier_id":"gold"}""");
        var (malformed, malformedBody) = await api.AdminAsync("POST", $"/admin/projects/{project}", """{"tier_id":"Gold Tier!"}""");

        Assert.Equal(404, unknown);
        ApiCalls.AssertError(unknownBody, "not_found", "tier_id");
        Assert.Equal(404, unnamed);
        ApiCalls.AssertError(unnamedBody, "not_found", "tier_id");
        Assert.Equal(400, malformed);
        ApiCalls.AssertError(malformedBody, "invalid_value", "tier_id");
    }

    [Fact]
    public async Task Projects_TierByName_SameAsById()
    {
        var (project, _, _) = await NewProjectAsync();
        var tier2 = await TierIdAsync("tier-2");

        var byName = await api.AdminOkAsync("POST", $"/admin/projects/{project}", """{"tier_id":"tier-2"}""");
        var tier = await api.AdminOkAsync("GET", "/admin/tiers/tier-2");

        Assert.Equal(tier2, byName.Str("tier_id"));
        Assert.Equal(tier2, tier.Str("id"));
    }

    [Fact]
    public async Task Projects_DuplicateNameInOrganization_409()
    {
        var org = (await api.AdminOkAsync("POST", "/admin/organizations", $$"""{"name":"{{ApiCalls.Unique("dup")}}"}""")).Str("id");
        var tier = await TierIdAsync("free");
        await api.AdminOkAsync("POST", $"/admin/organizations/{org}/projects", $$"""{"name":"same","tier_id":"{{tier}}"}""");

        var (status, body) = await api.AdminAsync("POST", $"/admin/organizations/{org}/projects", $$"""{"name":"same","tier_id":"{{tier}}"}""");

        Assert.Equal(409, status);
        ApiCalls.AssertError(body, "conflict", "name");
    }

    internal async Task<(string Project, string Tier1, string Tier2)> NewProjectAsync()
    {
        var org = (await api.AdminOkAsync("POST", "/admin/organizations", $$"""{"name":"{{ApiCalls.Unique("org")}}"}""")).Str("id");
        var tier1 = await TierIdAsync("tier-1");
        var tier2 = await TierIdAsync("tier-2");
        var project = await api.AdminOkAsync("POST", $"/admin/organizations/{org}/projects", $$"""{"name":"p","tier_id":"{{tier1}}"}""");
        return (project.Str("id"), tier1, tier2);
    }

    private async Task<string> TierIdAsync(string name) =>
        (await api.AdminOkAsync("GET", "/admin/tiers?limit=100")).GetProperty("data").EnumerateArray().Single(t => t.Str("name") == name).Str("id");
}
