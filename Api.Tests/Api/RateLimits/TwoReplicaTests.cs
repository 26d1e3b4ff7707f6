using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Platform.Api.Tests.Api.Coordination;
using Platform.Api.Tests.Support;
using Platform.Inference.Synthetic;

namespace Platform.Api.Tests.Api.RateLimits;

/// <summary>Two app instances sharing one Postgres and one Redis behave as one platform: one limit, one revocation.</summary>
[Collection(RedisTests.Name)]
public sealed class TwoReplicaTests(RedisFixture redis) : IAsyncLifetime
{
    private readonly string _adminKey = $"sk-test-admin-{Guid.NewGuid():N}";
    private TestDatabase? _database;
    private WebApplicationFactory<Program>? _first;
    private WebApplicationFactory<Program>? _second;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync("platform_replicas");
        var models = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "platform-tests", $"replica-models-{Guid.NewGuid():N}")).FullName;
        SyntheticModelWriter.Write(Path.Combine(models, "tiny-synthetic"), SyntheticModelSpec.Tiny(float16: false, seed: 5) with { ContextLength = 512 });
        WebApplicationFactory<Program> Replica() => new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("Inference:ModelsDirectory", models)
            .UseSetting("Inference:WriteDefaultModel", "false")
            .UseSetting("Inference:ExecutionProvider", "cpu")
            .UseSetting("Inference:IntraOpThreads", "1")
            .UseSetting("ConnectionStrings:Platform", _database.ConnectionString)
            .UseSetting("Redis:Configuration", redis.Endpoint)
            // A busy test machine must not turn one slow reply into a second of local shares.
            .UseSetting("Redis:FailFastMs", "2000")
            .UseSetting("RateLimits:Replicas", "2")
            .UseSetting("PLATFORM_ADMIN_KEY", _adminKey));
        _first = Replica();
        _first.CreateClient().Dispose();
        _second = Replica();
        _second.CreateClient().Dispose();
    }

    public async Task DisposeAsync()
    {
        await (_first?.DisposeAsync() ?? ValueTask.CompletedTask);
        await (_second?.DisposeAsync() ?? ValueTask.CompletedTask);
        await (_database?.DisposeAsync() ?? ValueTask.CompletedTask);
    }

    [Fact]
    public async Task Rpm_RequestsSpreadOverTwoReplicas_AdmitOneGlobalLimit()
    {
        var (secret, _) = await NewKeyAsync(requestsPerMinute: 10);
        using var first = Client(_first!, secret);
        using var second = Client(_second!, secret);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 30; i++)
        {
            using var response = await (i % 2 == 0 ? first : second).GetAsync(new Uri("/v1/models", UriKind.Relative));
            statuses.Add(response.StatusCode);
        }

        // Per replica the limit would admit 20; shared, it admits 10 (plus at most one refilled in the test's time).
        Assert.InRange(statuses.Count(s => s == HttpStatusCode.OK), 10, 11);
        Assert.All(statuses, s => Assert.Contains(s, new[] { HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
    }

    [Fact]
    public async Task Tpm_CompletionsSpreadOverTwoReplicas_UseAtMostOneGlobalLimit()
    {
        var (secret, _) = await NewKeyAsync(requestsPerMinute: 1_000, tokensPerMinute: 300);
        using var first = Client(_first!, secret);
        using var second = Client(_second!, secret);
        var used = 0;
        var admitted = 0;
        for (var i = 0; i < 40; i++)
        {
            using var response = await (i % 2 == 0 ? first : second).PostAsync(new Uri("/v1/completions", UriKind.Relative), new StringContent(
                """{"model":"tiny-synthetic","prompt":"Hello","max_tokens":20,"temperature":0}""", Encoding.UTF8, "application/json"));
            Assert.Contains(response.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.TooManyRequests });
            if (response.StatusCode == HttpStatusCode.OK)
            {
                admitted++;
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                used += body.RootElement.GetProperty("usage").GetProperty("total_tokens").GetInt32();
            }
        }

        // Each replica alone would admit its own 300 tokens a minute; together they stay within one 300 (plus what
        // refills while the test runs, 5 tokens a second).
        Assert.True(admitted > 0);
        Assert.InRange(used, 1, 300 + 60);
    }

    [Fact]
    public async Task Revocation_OnOneReplica_RefusedByTheOtherWithinOneSecond()
    {
        var (secret, keyId) = await NewKeyAsync(requestsPerMinute: 1_000);
        using var second = Client(_second!, secret);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync(new Uri("/v1/models", UriKind.Relative))).StatusCode);

        await AdminAsync(_first!, "POST", $"/admin/api_keys/{keyId}/revoke", "{}");
        var revokedAt = DateTime.UtcNow;
        HttpStatusCode status;
        do
        {
            using var response = await second.GetAsync(new Uri("/v1/models", UriKind.Relative));
            status = response.StatusCode;
        }
        while (status == HttpStatusCode.OK && DateTime.UtcNow - revokedAt < TimeSpan.FromSeconds(3));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.True(DateTime.UtcNow - revokedAt < TimeSpan.FromSeconds(1), $"took {(DateTime.UtcNow - revokedAt).TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task Bootstrap_TwoReplicasStartingTogetherOnAnEmptyDatabase_MakeOneAdminKey()
    {
        await using var database = await TestDatabase.CreateAsync("platform_bootstrap");
        var models = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "platform-tests", $"no-models-{Guid.NewGuid():N}")).FullName;
        WebApplicationFactory<Program> Replica() => new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("Inference:ModelsDirectory", models)
            .UseSetting("Inference:WriteDefaultModel", "false")
            .UseSetting("ConnectionStrings:Platform", database.ConnectionString));
        await using var first = Replica();
        await using var second = Replica();

        await Task.WhenAll(Task.Run(() => first.CreateClient().Dispose()), Task.Run(() => second.CreateClient().Dispose()));

        await using var count = database.DataSource.CreateCommand("SELECT count(*) FROM api_keys");
        Assert.Equal(1L, await count.ExecuteScalarAsync());
    }

    private async Task<(string Secret, string Id)> NewKeyAsync(int requestsPerMinute, int tokensPerMinute = 100_000)
    {
        var tier = await AdminAsync(_first!, "POST", "/admin/tiers",
            $$"""{"name":"{{$"r-{Guid.NewGuid():N}"[..20]}}","requests_per_minute":{{requestsPerMinute}},"tokens_per_minute":{{tokensPerMinute}},"tokens_per_day":1000000,"max_concurrent_requests":8}""");
        var org = await AdminAsync(_first!, "POST", "/admin/organizations", $$"""{"name":"{{Guid.NewGuid():N}}"}""");
        var project = await AdminAsync(_first!, "POST", $"/admin/organizations/{org.GetProperty("id").GetString()}/projects",
            $$"""{"name":"p","tier_id":"{{tier.GetProperty("id").GetString()}}"}""");
        var key = await AdminAsync(_first!, "POST", $"/admin/projects/{project.GetProperty("id").GetString()}/api_keys", """{"name":"k"}""");
        return (key.GetProperty("value").GetString()!, key.GetProperty("id").GetString()!);
    }

    private async Task<JsonElement> AdminAsync(WebApplicationFactory<Program> replica, string method, string path, string? body)
    {
        using var client = Client(replica, _adminKey);
        return await client.OkJsonAsync(method, path, body);
    }

    private static HttpClient Client(WebApplicationFactory<Program> replica, string key)
    {
        var client = replica.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}
