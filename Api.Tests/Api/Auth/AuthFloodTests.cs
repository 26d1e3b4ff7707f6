using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Platform.Api.Auth;
using Platform.Api.Errors;
using Platform.Api.WebConsole;
using Platform.Api.Tests.Billing;
using Platform.Billing.Audit;
using Platform.Billing.Keys;

namespace Platform.Api.Tests.Api.Auth;

/// <summary>
/// A flood of made-up keys against the real key middleware, cache and Postgres: what it costs in queries, what the
/// flooder hears, and whether valid keys keep being served from the cache.
/// </summary>
public sealed class AuthFloodTests(MigratedTemplate template) : BillingDatabaseTest(template)
{
    private const int FailuresPerMinute = 20;
    private static readonly IPAddress Flooder = IPAddress.Parse("10.0.0.66");
    private static readonly IPAddress Customer = IPAddress.Parse("10.0.0.7");

    [Fact]
    public async Task Flood_20000RandomKeys_AtMostTheFailureLimitInQueries_ValidKeysStayCached()
    {
        var options = Options.Create(new AuthOptions { FailuresPerMinute = FailuresPerMinute, KeyCacheSize = 64, NegativeCacheSize = 64 });
        var cache = new ApiKeyCache(Billing.Keys, Billing.Clock, options);
        using var failures = new AuthFailureLimiter(options);
        var middleware = new ApiKeyMiddleware(_ => Task.CompletedTask, cache, failures, Billing.Clock);
        var project = await Billing.NewProjectAsync();
        var valid = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            valid.Add((await Billing.Keys.CreateAsync(new NewApiKey(project.Id, $"k{i}", [ApiKeyScopes.Inference]), AuditActor.System)).Secret);
        }

        foreach (var key in valid)
        {
            Assert.Equal(200, await StatusAsync(middleware, key, Customer));
        }

        Billing.Commands.Reset();
        var statuses = new Dictionary<int, int>();
        var validDuringFlood = new List<int>();
        for (var i = 0; i < 20_000; i++)
        {
            var status = await StatusAsync(middleware, "sk-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24)), Flooder);
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            if (i % 500 == 0)
            {
                // A valid key from the flooding address itself is still served: it is cached, so no database work is refused.
                validDuringFlood.Add(await StatusAsync(middleware, valid[i / 500 % valid.Count], Flooder));
            }
        }

        var floodQueries = Billing.Commands.Commands.Count;
        foreach (var key in valid)
        {
            Assert.Equal(200, await StatusAsync(middleware, key, Customer));
        }

        // The stated bound: one lookup per failure the address may make, then none.
        Assert.True(floodQueries <= FailuresPerMinute, $"{floodQueries} queries for 20,000 made-up keys");
        Assert.Equal(floodQueries, Billing.Commands.Commands.Count);
        Assert.Equal(FailuresPerMinute, statuses[401]);
        Assert.Equal(20_000 - FailuresPerMinute, statuses[429]);
        Assert.All(validDuringFlood, s => Assert.Equal(200, s));
        Assert.Equal(valid.Count, cache.KnownCount);

        // Past the TTL a key the cache knew is re-read even from the throttled address; a made-up one is still 429.
        Billing.Clock.Advance(ApiKeyCache.Ttl);
        Assert.Equal(200, await StatusAsync(middleware, valid[0], Flooder));
        Assert.Equal(429, await StatusAsync(middleware, "sk-made-up-after-ttl", Flooder));
    }

    [Fact]
    public async Task Flood_OtherAddress_StillAuthenticatesUncachedKeys()
    {
        var options = Options.Create(new AuthOptions { FailuresPerMinute = 3 });
        var cache = new ApiKeyCache(Billing.Keys, Billing.Clock, options);
        using var failures = new AuthFailureLimiter(options);
        var middleware = new ApiKeyMiddleware(_ => Task.CompletedTask, cache, failures, Billing.Clock);
        var project = await Billing.NewProjectAsync();
        var key = (await Billing.Keys.CreateAsync(new NewApiKey(project.Id, "k", [ApiKeyScopes.Inference]), AuditActor.System)).Secret;
        for (var i = 0; i < 10; i++)
        {
            await StatusAsync(middleware, "sk-made-up-" + i, Flooder);
        }

        Assert.Equal(429, await StatusAsync(middleware, key, Flooder));
        Assert.Equal(200, await StatusAsync(middleware, key, Customer));
    }

    [Fact]
    public async Task Cache_Bounded_KeyInUseStaysWhileOthersLeave()
    {
        var cache = new ApiKeyCache(Billing.Keys, Billing.Clock, Options.Create(new AuthOptions { KeyCacheSize = 16 }));
        var project = await Billing.NewProjectAsync();
        var busy = (await Billing.Keys.CreateAsync(new NewApiKey(project.Id, "busy", [ApiKeyScopes.Inference]), AuditActor.System)).Secret;
        await cache.FindAsync(busy, default);
        for (var i = 0; i < 40; i++)
        {
            var other = (await Billing.Keys.CreateAsync(new NewApiKey(project.Id, $"k{i}", [ApiKeyScopes.Inference]), AuditActor.System)).Secret;
            await cache.FindAsync(other, default);
            await cache.FindAsync(busy, default);
        }

        Billing.Commands.Reset();
        Assert.NotNull(await cache.FindAsync(busy, default));
        Assert.Empty(Billing.Commands.Commands);
        Assert.InRange(cache.KnownCount, 1, 16);
    }

    [Fact]
    public async Task ConsoleSignIn_SharesTheFailureLimit_ThenAnswers429WithoutALookup()
    {
        var options = Options.Create(new AuthOptions { FailuresPerMinute = 3 });
        var cache = new ApiKeyCache(Billing.Keys, Billing.Clock, options);
        using var failures = new AuthFailureLimiter(options);
        var sessions = new ConsoleSessions(Options.Create(new ConsoleOptions()), Billing.Clock);
        var project = await Billing.NewProjectAsync();
        var key = (await Billing.Keys.CreateAsync(new NewApiKey(project.Id, "k", [ApiKeyScopes.Admin]), AuditActor.System)).Secret;
        var flooder = IPAddress.Parse("203.0.113.9");

        var statuses = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add(await SignInStatusAsync(cache, failures, sessions, "sk-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(21)), flooder));
        }

        Assert.Equal([401, 401, 401, 429, 429], statuses);
        // Another address signs in with a real key; the flooder cannot, even with it.
        Assert.Equal(200, await SignInStatusAsync(cache, failures, sessions, key, IPAddress.Parse("203.0.113.10")));
        Assert.Equal(429, await SignInStatusAsync(cache, failures, sessions, key, flooder));
    }

    private static async Task<int> SignInStatusAsync(ApiKeyCache cache, AuthFailureLimiter failures, ConsoleSessions sessions, string key, IPAddress address)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream(System.Text.Encoding.UTF8.GetBytes($"{{\"api_key\":\"{key}\"}}"));
        context.Connection.RemoteIpAddress = address;
        try
        {
            var result = await ConsoleSignIn.SignInAsync(context, cache, failures, sessions, TimeProvider.System);
            return ((IStatusCodeHttpResult)result).StatusCode ?? 200;
        }
        catch (ApiException e)
        {
            return e.Status;
        }
    }

    /// <summary>The status the middleware gives: 200 when it lets the request through, else the error's status.</summary>
    private static async Task<int> StatusAsync(ApiKeyMiddleware middleware, string key, IPAddress address)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Authorization = "Bearer " + key;
        context.Connection.RemoteIpAddress = address;
        context.Response.Body = Stream.Null;
        context.SetEndpoint(new Endpoint(_ => Task.CompletedTask, new EndpointMetadataCollection(new ApiKeyRequirement(ApiKeyScopes.Inference)), "test"));
        try
        {
            await middleware.InvokeAsync(context);
            return context.Response.StatusCode;
        }
        catch (ApiException e)
        {
            return e.Status;
        }
    }
}
