using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api.RateLimits;
using Platform.Api.Tests.Api.Coordination;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Api.RateLimits;

/// <summary>Redis stopped mid-run: requests keep being served under local limits, never a 500, and Redis is used again once it returns.</summary>
[Collection(RedisTests.Name)]
public sealed class RedisOutageTests
{
    [Fact]
    public async Task V1_RedisDiesAndReturns_LocalLimitsThenSharedAgain_NeverA500()
    {
        await using var redis = new OwnRedisServer();
        await redis.StartAsync();
        await using var database = await TestDatabase.CreateAsync("platform_outage");
        var adminKey = $"sk-test-admin-{Guid.NewGuid():N}";
        var models = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "platform-tests", $"no-models-{Guid.NewGuid():N}")).FullName;
        await using var app = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("Inference:ModelsDirectory", models)
            .UseSetting("Inference:WriteDefaultModel", "false")
            .UseSetting("ConnectionStrings:Platform", database.ConnectionString)
            .UseSetting("Redis:Configuration", redis.Endpoint + ",connectTimeout=300")
            .UseSetting("Redis:FailFastMs", "50")
            .UseSetting("RateLimits:Replicas", "2")
            .UseSetting("PLATFORM_ADMIN_KEY", adminKey));
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        var store = app.Services.GetRequiredService<FallbackRateLimitStore>();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/v1/models", UriKind.Relative))).StatusCode);
        Assert.False(store.IsDegraded);

        await redis.KillAsync();
        var during = new List<HttpStatusCode>();
        var slowest = TimeSpan.Zero;
        for (var i = 0; i < 5; i++)
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            using var response = await client.GetAsync(new Uri("/v1/models", UriKind.Relative));
            during.Add(response.StatusCode);
            slowest = TimeSpan.FromTicks(Math.Max(slowest.Ticks, started.Elapsed.Ticks));
        }

        Assert.All(during, s => Assert.Equal(HttpStatusCode.OK, s));
        // Redis:FailFastMs bounds what a dead Redis costs; the client's own timeouts took seconds per call.
        Assert.True(slowest < TimeSpan.FromSeconds(1), $"the slowest request while Redis was dead took {slowest.TotalMilliseconds:F0} ms");
        Assert.True(store.IsDegraded);
        // This app serves no model, so /readyz is 503; its body still reports the limits.
        using (var readyResponse = await client.GetAsync(new Uri("/readyz", UriKind.Relative)))
        using (var ready = System.Text.Json.JsonDocument.Parse(await readyResponse.Content.ReadAsStringAsync()))
        {
            var limits = ready.RootElement.GetProperty("rate_limits");
            Assert.Equal("redis", limits.GetProperty("store").GetString());
            Assert.True(limits.GetProperty("degraded").GetBoolean());
        }

        await redis.StartAsync();
        await Poll.UntilAsync(
            async () =>
            {
                using var response = await client.GetAsync(new Uri("/v1/models", UriKind.Relative));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return !store.IsDegraded;
            },
            TimeSpan.FromSeconds(15),
            "the rate limits to use Redis again");
    }
}
