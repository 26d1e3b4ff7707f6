using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api.RateLimits;
using Platform.Api.Tests.Api.Coordination;
using Platform.Api.Tests.Support;
using Platform.Inference.Models;
using Platform.Inference.Synthetic;
using StackExchange.Redis;

namespace Platform.Api.Tests.Api.RateLimits;

/// <summary>
/// What the rate limits cost a request in store calls, counted around the app's real store (in process, or Redis
/// through its fallback) and, with Redis, in the server's own command statistics: a completion one call to admit
/// (the request and its tokens together) and one to settle, any other request one.
/// </summary>
[Collection(RedisTests.Name)]
public sealed class StoreCallCountTests
{
    private const string Model = "tiny-synthetic";

    [Fact]
    public async Task Completion_InProcess_OneStoreCallToAdmitAndOneToSettle()
    {
        await using var app = await CountedApp.StartAsync(redisEndpoint: null);
        using var client = await app.NewClientAsync();

        await app.AssertCallsAsync(() => app.CompleteAsync(client), admitRequest: 0, admitCompletion: 1, settle: 1);
        await app.AssertCallsAsync(() => CountedApp.GetAsync(client, "/v1/models", HttpStatusCode.OK), admitRequest: 1, admitCompletion: 0, settle: 0);
        await app.AssertCallsAsync(() => CountedApp.PostAsync(client, """{"model":"tiny-synthetic","prompt":""", HttpStatusCode.BadRequest), admitRequest: 1, admitCompletion: 0, settle: 0);
    }

    [Fact]
    public async Task Completion_WithRedis_OneScriptToAdmitAndOneToSettle()
    {
        await using var redis = new OwnRedisServer();
        await redis.StartAsync();
        await using var app = await CountedApp.StartAsync(redis.Endpoint);
        using var client = await app.NewClientAsync();
        using var statistics = await ConnectionMultiplexer.ConnectAsync(redis.Endpoint + ",allowAdmin=true");
        var server = statistics.GetServer(statistics.GetEndPoints()[0]);

        // The first call of each script may load it (NOSCRIPT, then EVAL): counted from the second completion on.
        await app.CompleteAsync(client);
        await app.SettledAsync(1);
        var before = await ScriptCallsAsync(server);
        await app.AssertCallsAsync(() => app.CompleteAsync(client), admitRequest: 0, admitCompletion: 1, settle: 1);
        Assert.Equal(2, await ScriptCallsAsync(server) - before);

        before = await ScriptCallsAsync(server);
        await app.AssertCallsAsync(() => CountedApp.GetAsync(client, "/v1/models", HttpStatusCode.OK), admitRequest: 1, admitCompletion: 0, settle: 0);
        Assert.Equal(1, await ScriptCallsAsync(server) - before);
        Assert.False(app.Services.GetRequiredService<FallbackRateLimitStore>().IsDegraded);
    }

    /// <summary>Lua scripts the server has run (EVALSHA, and EVAL after a NOSCRIPT): the rate limits are their only user.</summary>
    private static async Task<long> ScriptCallsAsync(IServer server)
    {
        var sections = await server.InfoAsync("commandstats");
        return sections.SelectMany(s => s)
            .Where(p => p.Key is "cmdstat_evalsha" or "cmdstat_eval")
            .Sum(p => long.Parse(p.Value.Split(',')[0]["calls=".Length..], CultureInfo.InvariantCulture));
    }

    /// <summary>The real store with a count of calls per method.</summary>
    private sealed class CountingStore(IRateLimitStore inner) : IRateLimitStore
    {
        private int _admitRequest;
        private int _admitCompletion;
        private int _settle;

        public (int AdmitRequest, int AdmitCompletion, int Settle) Calls => (Volatile.Read(ref _admitRequest), Volatile.Read(ref _admitCompletion), Volatile.Read(ref _settle));

        public ValueTask<RequestAdmission> AdmitRequestAsync(ProjectBuckets buckets, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _admitRequest);
            return inner.AdmitRequestAsync(buckets, cancellationToken);
        }

        public ValueTask<CompletionAdmission> AdmitCompletionAsync(ProjectBuckets buckets, int requests, long tokens, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _admitCompletion);
            return inner.AdmitCompletionAsync(buckets, requests, tokens, cancellationToken);
        }

        public ValueTask SettleAsync(ProjectBuckets buckets, long unused, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _settle);
            return inner.SettleAsync(buckets, unused, cancellationToken);
        }
    }

    private sealed class CountedApp(WebApplicationFactory<Program> factory, TestDatabase database, string adminKey) : IAsyncDisposable
    {
        public IServiceProvider Services => factory.Services;

        private CountingStore Store => (CountingStore)factory.Services.GetRequiredService<IRateLimitStore>();

        public static async Task<CountedApp> StartAsync(string? redisEndpoint)
        {
            var database = await TestDatabase.CreateAsync("platform_calls");
            var models = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "platform-tests", $"calls-models-{Guid.NewGuid():N}")).FullName;
            SyntheticModelWriter.Write(Path.Combine(models, Model), SyntheticModelSpec.Tiny(float16: false, seed: 5) with { ContextLength = 512 });
            var adminKey = $"sk-test-admin-{Guid.NewGuid():N}";
            var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
            {
                b.UseSetting("Inference:ModelsDirectory", models)
                    .UseSetting("Inference:WriteDefaultModel", "false")
                    .UseSetting("Inference:ExecutionProvider", "cpu")
                    .UseSetting("Inference:IntraOpThreads", "1")
                    .UseSetting("ConnectionStrings:Platform", database.ConnectionString)
                    .UseSetting("PLATFORM_ADMIN_KEY", adminKey);
                if (redisEndpoint is not null)
                {
                    // A busy test machine must not turn one slow reply into the local fallback's calls.
                    b.UseSetting("Redis:Configuration", redisEndpoint).UseSetting("Redis:FailFastMs", "5000");
                }

                b.ConfigureTestServices(services =>
                {
                    var real = services.Last(d => d.ServiceType == typeof(IRateLimitStore));
                    services.Remove(real);
                    services.AddSingleton<IRateLimitStore>(sp => new CountingStore((IRateLimitStore)real.ImplementationFactory!(sp)));
                });
            });
            var app = new CountedApp(factory, database, adminKey);
            var registry = factory.Services.GetRequiredService<ModelRegistry>();
            await Poll.UntilAsync(() => registry.LoadingFinished, TimeSpan.FromMinutes(1), "the synthetic model to load");
            return app;
        }

        /// <summary>A key of a new project whose tier is far from every limit.</summary>
        public async Task<HttpClient> NewClientAsync()
        {
            using var admin = Client(adminKey);
            var tier = await admin.OkJsonAsync("POST", "/admin/tiers",
                $$"""{"name":"{{$"calls-{Guid.NewGuid():N}"[..20]}}","requests_per_minute":1000,"tokens_per_minute":1000000,"tokens_per_day":10000000,"monthly_token_quota":10000000,"max_concurrent_requests":10}""");
            var org = await admin.OkJsonAsync("POST", "/admin/organizations", $$"""{"name":"{{Guid.NewGuid():N}}"}""");
            var project = await admin.OkJsonAsync("POST", $"/admin/organizations/{org.Str("id")}/projects", $$"""{"name":"p","tier_id":"{{tier.Str("id")}}"}""");
            return Client((await admin.OkJsonAsync("POST", $"/admin/projects/{project.Str("id")}/api_keys", """{"name":"k"}""")).Str("value"));
        }

        /// <summary>
        /// A completion that ends at once (its end-of-text tokens pushed to the top), so it uses fewer tokens than it
        /// reserved and settlement has something to give back.
        /// </summary>
        public async Task CompleteAsync(HttpClient client)
        {
            var model = factory.Services.GetRequiredService<ModelRegistry>().TryGet(Model, out var loaded) ? loaded : throw new InvalidOperationException("not loaded");
            var end = "{" + string.Join(',', model.Config.EosTokenIds.Select(id => $"\"{id}\":100")) + "}";
            var body = await PostAsync(client, $$"""{"model":"{{Model}}","prompt":"Hello","max_tokens":16,"temperature":0,"logit_bias":{{end}}}""", HttpStatusCode.OK);
            using var json = JsonDocument.Parse(body);
            Assert.InRange(json.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), 0, 15);
        }

        public static async Task<string> PostAsync(HttpClient client, string json, HttpStatusCode expected)
        {
            using var response = await client.PostAsync(new Uri("/v1/completions", UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode} {body}");
            Assert.True(response.Headers.Contains("x-ratelimit-remaining-requests"), "x-ratelimit-remaining-requests is missing");
            Assert.True(response.Headers.Contains("x-ratelimit-remaining-tokens"), "x-ratelimit-remaining-tokens is missing");
            return body;
        }

        public static async Task<string> GetAsync(HttpClient client, string path, HttpStatusCode expected)
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(expected, response.StatusCode);
            return await response.Content.ReadAsStringAsync();
        }

        /// <summary>Settlement runs as the request ends, which may be just after the client has its answer.</summary>
        public Task SettledAsync(int settlements) =>
            Poll.UntilAsync(() => Store.Calls.Settle >= settlements, TimeSpan.FromSeconds(30), $"{settlements} settlement(s)");

        public async Task AssertCallsAsync(Func<Task> request, int admitRequest, int admitCompletion, int settle)
        {
            var before = Store.Calls;
            await request();
            await SettledAsync(before.Settle + settle);
            var after = Store.Calls;
            Assert.Equal((admitRequest, admitCompletion, settle), (after.AdmitRequest - before.AdmitRequest, after.AdmitCompletion - before.AdmitCompletion, after.Settle - before.Settle));
        }

        public async ValueTask DisposeAsync()
        {
            await factory.DisposeAsync();
            await database.DisposeAsync();
        }

        private HttpClient Client(string key)
        {
            var client = factory.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            return client;
        }
    }
}
