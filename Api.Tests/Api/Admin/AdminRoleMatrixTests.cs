using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Auth;
using Platform.Api.Tests.Support;
using Platform.Billing.Keys;

namespace Platform.Api.Tests.Api.Admin;

/// <summary>
/// Every admin route × {owner, admin of the same organization, admin of another organization, inference key, no key}.
/// The resources belong to organization A; "other" is an admin of organization B. The route list is read from the
/// app itself, so a new admin route without a row here fails the test.
/// </summary>
[Collection(ApiTests.Name)]
public sealed class AdminRoleMatrixTests(ApiFixture api)
{
    private const int Ok = 200;
    private const int Created = 201;
    private const int Forbidden = 403;
    private const int NotFound = 404;

    private static readonly string[] OrganizationEntityTypes = ["organization", "project", "api_key"];

    private enum Role
    {
        Owner,
        SameAdmin,
        OtherAdmin,
        Inference,
        NoKey,
    }

    /// <summary>One route: how to build a request against organization A (fresh resources where the call consumes them) and the status per role.</summary>
    private sealed record Case(string Method, string Pattern, Func<Tenants, Task<(string Path, string? Body)>> Request, int Owner, int SameAdmin, int OtherAdmin);

    private sealed record Tenants(string OrgA, string ProjectA, string KeyA, string OwnerKey, string AdminA, string InferenceA, string AdminB, string TierId, string PriceId);

    [Fact]
    public async Task AdminRoutes_EveryRoleGetsItsStatus()
    {
        var t = await TenantsAsync();
        var cases = Cases(t);
        var routes = AdminRoutes();
        Assert.Equal(routes.Order().ToList(), cases.Select(c => $"{c.Method} {c.Pattern}").Distinct().Order().ToList());

        var failures = new List<string>();
        foreach (var c in cases)
        {
            foreach (var role in Enum.GetValues<Role>())
            {
                var expected = role switch
                {
                    Role.Owner => c.Owner,
                    Role.SameAdmin => c.SameAdmin,
                    Role.OtherAdmin => c.OtherAdmin,
                    Role.Inference => Forbidden,
                    _ => 401,
                };
                var (path, body) = await c.Request(t);
                var key = role switch
                {
                    Role.Owner => t.OwnerKey,
                    Role.SameAdmin => t.AdminA,
                    Role.OtherAdmin => t.AdminB,
                    Role.Inference => t.InferenceA,
                    _ => null,
                };
                using var client = api.CreateClient(key);
                var (status, text) = await client.SendJsonAsync(c.Method, path, body);
                if (status != expected)
                {
                    failures.Add($"{c.Method} {path} as {role}: expected {expected}, got {status} {text}");
                    continue;
                }

                if (status >= 400)
                {
                    var response = JsonDocument.Parse(text).RootElement;
                    var code = response.GetProperty("error").Str("code");
                    var expectedCode = status switch { 401 => "invalid_api_key", 403 => "insufficient_permissions", _ => "not_found" };
                    if (code != expectedCode)
                    {
                        failures.Add($"{c.Method} {path} as {role}: code {code}, expected {expectedCode}");
                    }

                    if (status == Forbidden && role != Role.Inference && !response.GetProperty("error").Str("message").Contains("'owner' scope", StringComparison.Ordinal))
                    {
                        failures.Add($"{c.Method} {path} as {role}: the 403 does not name the owner scope: {response}");
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task AdminLists_ShowOnlyTheKeysOwnOrganization()
    {
        var t = await TenantsAsync();

        var ownerOrgs = Ids(await OkAsync(t.OwnerKey, "/admin/organizations?limit=100&after=" + After(t.OrgA)));
        var otherOrgs = Ids(await OkAsync(t.AdminB, "/admin/organizations?limit=100"));
        var sameOrgs = Ids(await OkAsync(t.AdminA, "/admin/organizations"));
        Assert.Contains(t.OrgA, ownerOrgs);
        Assert.Equal([t.OrgA], sameOrgs);
        Assert.DoesNotContain(t.OrgA, otherOrgs);
        Assert.Single(otherOrgs);

        var otherAudit = await OkAsync(t.AdminB, "/admin/audit?limit=100");
        var sameAudit = await OkAsync(t.AdminA, "/admin/audit?limit=100");
        var ownerAudit = await OkAsync(t.OwnerKey, $"/admin/audit?entity_type=organization&entity_id={t.OrgA}");
        Assert.DoesNotContain(t.OrgA, otherAudit.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(t.ProjectA, otherAudit.ToString(), StringComparison.Ordinal);
        Assert.Contains(sameAudit.GetProperty("data").EnumerateArray(), e => e.Str("entity_id") == t.ProjectA);
        Assert.All(sameAudit.GetProperty("data").EnumerateArray(), e => Assert.Contains(e.Str("entity_type"), OrganizationEntityTypes));
        Assert.Single(ownerAudit.GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task Admin_OwnerOnlyChanges_403NamingTheScope()
    {
        var t = await TenantsAsync();

        var (tier, tierBody) = await api.SendAsync(t.AdminA, "POST", $"/admin/projects/{t.ProjectA}", """{"tier_id":"tier-2"}""");
        var (owner, ownerBody) = await api.SendAsync(t.AdminA, "POST", $"/admin/projects/{t.ProjectA}/api_keys", """{"name":"o","scopes":["owner"]}""");
        var (create, _) = await api.SendAsync(t.AdminA, "POST", $"/admin/organizations/{t.OrgA}/projects", """{"name":"p","tier_id":"tier_1"}""");
        var ownerKeyId = "key_" + (await api.Services.GetRequiredService<ApiKeyCache>().FindAsync(t.OwnerKey, default))!.Key.Id;
        var (hidden, _) = await api.SendAsync(t.AdminA, "POST", $"/admin/api_keys/{ownerKeyId}/revoke");
        var defaultProject = $"proj_{api.DefaultProjectId}";
        var secondOwner = (await api.AdminOkAsync("POST", $"/admin/projects/{defaultProject}/api_keys", """{"name":"owner 2","scopes":["owner"]}""")).Str("id");
        var defaultAdmin = (await api.AdminOkAsync("POST", $"/admin/projects/{defaultProject}/api_keys", """{"name":"default admin","scopes":["admin"]}""")).Str("value");
        var (lockout, _) = await api.SendAsync(defaultAdmin, "POST", $"/admin/api_keys/{secondOwner}/revoke");
        var (rotate, _) = await api.SendAsync(defaultAdmin, "POST", $"/admin/api_keys/{secondOwner}/rotate");

        Assert.Equal((Forbidden, Forbidden, Forbidden), (tier, owner, create));
        ApiCalls.AssertError(tierBody, "insufficient_permissions");
        Assert.Contains("'owner' scope", tierBody.GetProperty("error").Str("message"), StringComparison.Ordinal);
        Assert.Contains("owner key", ownerBody.GetProperty("error").Str("message"), StringComparison.Ordinal);

        // The bootstrap key lives in the default organization: an admin of another organization cannot even see it,
        // and an admin of the default organization cannot lock the operator out.
        Assert.Equal(NotFound, hidden);
        Assert.Equal((Forbidden, Forbidden), (lockout, rotate));
        Assert.Equal("active", (await api.AdminOkAsync("GET", $"/admin/api_keys/{secondOwner}")).Str("status"));
        Assert.Equal(Ok, await api.ListModelsStatusAsync(t.OwnerKey));
    }

    [Fact]
    public async Task Bootstrap_KeyHasTheOwnerScope()
    {
        var identity = await api.Services.GetRequiredService<ApiKeyCache>().FindAsync(api.AdminKey, default);

        Assert.Equal([ApiKeyScopes.Owner, ApiKeyScopes.Admin, ApiKeyScopes.Inference], identity!.Key.Scopes);
    }

    private List<Case> Cases(Tenants t)
    {
        Func<Tenants, Task<(string, string?)>> Fixed(string path, string? body = null) => _ => Task.FromResult<(string, string?)>((path, body));

        return
        [
            new("GET", "/admin/organizations", Fixed("/admin/organizations"), Ok, Ok, Ok),
            new("POST", "/admin/organizations", _ => Task.FromResult<(string, string?)>(("/admin/organizations", Name())), Created, Forbidden, Forbidden),
            new("GET", "/admin/organizations/{organization_id}", Fixed($"/admin/organizations/{t.OrgA}"), Ok, Ok, NotFound),
            new("POST", "/admin/organizations/{organization_id}", _ => Task.FromResult<(string, string?)>(($"/admin/organizations/{t.OrgA}", Name())), Ok, Forbidden, NotFound),
            new("GET", "/admin/organizations/{organization_id}/projects", Fixed($"/admin/organizations/{t.OrgA}/projects"), Ok, Ok, NotFound),
            new("POST", "/admin/organizations/{organization_id}/projects", _ => Task.FromResult<(string, string?)>(($"/admin/organizations/{t.OrgA}/projects", Name())), Created, Created, NotFound),
            new("GET", "/admin/projects/{project_id}", Fixed($"/admin/projects/{t.ProjectA}"), Ok, Ok, NotFound),
            new("POST", "/admin/projects/{project_id}", _ => Task.FromResult<(string, string?)>(($"/admin/projects/{t.ProjectA}", Name())), Ok, Ok, NotFound),
            new("GET", "/admin/projects/{project_id}/api_keys", Fixed($"/admin/projects/{t.ProjectA}/api_keys"), Ok, Ok, NotFound),
            new("POST", "/admin/projects/{project_id}/api_keys", Fixed($"/admin/projects/{t.ProjectA}/api_keys", """{"name":"k","scopes":["admin","inference"]}"""), Created, Created, NotFound),
            new("GET", "/admin/api_keys/{key_id}", Fixed($"/admin/api_keys/{t.KeyA}"), Ok, Ok, NotFound),
            new("POST", "/admin/api_keys/{key_id}/revoke", async _ => ($"/admin/api_keys/{await FreshKeyAsync(t)}/revoke", null), Ok, Ok, NotFound),
            new("POST", "/admin/api_keys/{key_id}/rotate", async _ => ($"/admin/api_keys/{await FreshKeyAsync(t)}/rotate", null), Ok, Ok, NotFound),
            // The engine's state is what the open /metrics shows too; no organization owns it.
            new("GET", "/admin/engine", Fixed("/admin/engine"), Ok, Ok, Ok),
            new("GET", "/admin/tiers", Fixed("/admin/tiers"), Ok, Ok, Ok),
            new("POST", "/admin/tiers", _ => Task.FromResult<(string, string?)>(("/admin/tiers",
                $$"""{"name":"m-{{Guid.NewGuid():N}}","requests_per_minute":10,"tokens_per_minute":1000,"tokens_per_day":10000,"max_concurrent_requests":2}""")), Created, Forbidden, Forbidden),
            new("GET", "/admin/tiers/{tier_id}", Fixed($"/admin/tiers/{t.TierId}"), Ok, Ok, Ok),
            new("POST", "/admin/tiers/{tier_id}", Fixed($"/admin/tiers/{t.TierId}", """{"requests_per_minute":11}"""), Ok, Forbidden, Forbidden),
            new("GET", "/admin/model_prices", Fixed("/admin/model_prices"), Ok, Ok, Ok),
            new("POST", "/admin/model_prices", _ => Task.FromResult<(string, string?)>(("/admin/model_prices",
                $$"""{"model":"m-{{Guid.NewGuid():N}}","input_per_million":1,"output_per_million":2}""")), Created, Forbidden, Forbidden),
            new("GET", "/admin/model_prices/{price_id}", Fixed($"/admin/model_prices/{t.PriceId}"), Ok, Ok, Ok),
            new("POST", "/admin/model_prices/{price_id}", Fixed($"/admin/model_prices/{t.PriceId}", """{"output_per_million":3}"""), Ok, Forbidden, Forbidden),
            new("GET", "/admin/audit", Fixed("/admin/audit"), Ok, Ok, Ok),
            new("GET", "/admin/moderation/events", Fixed("/admin/moderation/events"), Ok, Ok, Ok),
            new("GET", "/admin/reports/usage.csv", Fixed("/admin/reports/usage.csv?start_time=" + Hour()), Ok, Ok, Ok),
            new("GET", "/admin/reports/usage.json", Fixed("/admin/reports/usage.json?start_time=" + Hour()), Ok, Ok, Ok),
            new("GET", "/v1/organization/usage/completions", Fixed("/v1/organization/usage/completions?start_time=" + Hour()), Ok, Ok, Ok),
            new("GET", "/v1/organization/costs", Fixed("/v1/organization/costs?start_time=" + Hour()), Ok, Ok, Ok),
        ];
    }

    private static string Name() => $$"""{"name":"{{ApiCalls.Unique("n")}}"}""";

    private static long Hour() => DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds();

    private static string After(string id) => "org_" + (long.Parse(id[4..], System.Globalization.CultureInfo.InvariantCulture) - 1);

    private async Task<string> FreshKeyAsync(Tenants t) =>
        (await api.SendAsync(t.OwnerKey, "POST", $"/admin/projects/{t.ProjectA}/api_keys", """{"name":"victim"}""")).Body.Str("id");

    /// <summary>Organizations A and B (one project each), an admin key of each, and an inference key of A, made by the owner.</summary>
    private async Task<Tenants> TenantsAsync()
    {
        var orgA = (await api.AdminOkAsync("POST", "/admin/organizations", Name())).Str("id");
        var orgB = (await api.AdminOkAsync("POST", "/admin/organizations", Name())).Str("id");
        var projectA = (await api.AdminOkAsync("POST", $"/admin/organizations/{orgA}/projects", """{"name":"a","tier_id":"tier-1"}""")).Str("id");
        var projectB = (await api.AdminOkAsync("POST", $"/admin/organizations/{orgB}/projects", """{"name":"b"}""")).Str("id");
        var adminA = await api.AdminOkAsync("POST", $"/admin/projects/{projectA}/api_keys", """{"name":"admin a","scopes":["admin"]}""");
        var inferenceA = await api.AdminOkAsync("POST", $"/admin/projects/{projectA}/api_keys", """{"name":"inference a","scopes":["inference"]}""");
        var adminB = await api.AdminOkAsync("POST", $"/admin/projects/{projectB}/api_keys", """{"name":"admin b","scopes":["admin"]}""");
        var tier = await api.AdminOkAsync("POST", "/admin/tiers",
            $$"""{"name":"matrix-{{Guid.NewGuid():N}}","requests_per_minute":10,"tokens_per_minute":1000,"tokens_per_day":10000,"max_concurrent_requests":2}""");
        var price = await api.AdminOkAsync("POST", "/admin/model_prices",
            $$"""{"model":"matrix-{{Guid.NewGuid():N}}","input_per_million":1,"output_per_million":2,"effective_from":4102444800}""");
        return new Tenants(orgA, projectA, adminA.Str("id"), api.AdminKey, adminA.Str("value"), inferenceA.Str("value"), adminB.Str("value"), tier.Str("id"), price.Str("id"));
    }

    private async Task<JsonElement> OkAsync(string key, string path)
    {
        var (status, body) = await api.SendAsync(key, "GET", path);
        Assert.True(status == Ok, $"GET {path}: {status} {body}");
        return body;
    }

    private static List<string> Ids(JsonElement list) => [.. list.GetProperty("data").EnumerateArray().Select(e => e.Str("id"))];

    /// <summary>"METHOD /pattern" of every endpoint that needs an admin key, as the app maps them.</summary>
    private List<string> AdminRoutes() =>
    [
        .. api.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<ApiKeyRequirement>()?.Scope == ApiKeyScopes.Admin)
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(m => $"{m} /{e.RoutePattern.RawText!.TrimStart('/')}"))
            .Distinct(),
    ];
}
