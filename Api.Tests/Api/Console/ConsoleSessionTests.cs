using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Platform.Api.Tests.Support;
using Platform.Api.WebConsole;

namespace Platform.Api.Tests.Api.Console;

/// <summary>The console's sessions and its bridge to the APIs, over HTTP: cookies, anti-forgery, redirects, expiry.</summary>
[Collection(ApiTests.Name)]
public sealed class ConsoleSessionTests(ApiFixture api)
{
    [Fact]
    public async Task SignIn_SetsAStrictHttpOnlyCookie_AndNeverReturnsTheKey()
    {
        using var client = Client(out _);
        using var response = await SignInAsync(client, api.AdminKey);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith(ConsoleCookie.Name + "=", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/console", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(api.AdminKey, cookie, StringComparison.Ordinal);
        Assert.DoesNotContain(api.AdminKey, body, StringComparison.Ordinal);
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_WrongKeyOrCrossOrigin_IsRefusedWithAnOpenAiError()
    {
        using var client = Client(out var cookies);
        using var wrong = await SignInAsync(client, "sk-not-a-key-of-this-server");
        using var crossSite = await SignInAsync(client, api.AdminKey, origin: "http://evil.example");

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        ApiCalls.AssertError(JsonDocument.Parse(await wrong.Content.ReadAsStringAsync()).RootElement, "invalid_api_key");
        Assert.Equal(HttpStatusCode.Forbidden, crossSite.StatusCode);
        ApiCalls.AssertError(JsonDocument.Parse(await crossSite.Content.ReadAsStringAsync()).RootElement, "csrf_token_invalid");
        Assert.Empty(cookies.GetCookies(api.BaseAddress));
    }

    [Fact]
    public async Task Bridge_ChangeWithoutTheAntiForgeryToken_IsRefused()
    {
        using var client = Client(out _);
        (await SignInAsync(client, api.AdminKey)).Dispose();
        var name = $"csrf-{Guid.NewGuid():N}";

        var (refused, refusal) = await client.SendJsonAsync("POST", "/console/api/admin/organizations", $$"""{"name":"{{name}}"}""");
        var (wrongStatus, _) = await SendAsync(client, "POST", "/console/api/admin/organizations", $$"""{"name":"{{name}}"}""", "not-the-token");
        var organizations = await api.AdminOkAsync("GET", "/admin/organizations?limit=100");

        Assert.Equal(403, refused);
        ApiCalls.AssertError(JsonDocument.Parse(refusal).RootElement, "csrf_token_invalid");
        Assert.Equal(403, wrongStatus);
        Assert.DoesNotContain(organizations.GetProperty("data").EnumerateArray(), o => o.Str("name") == name);

        var (created, _) = await SendAsync(client, "POST", "/console/api/admin/organizations", $$"""{"name":"{{name}}"}""", await CsrfTokenAsync(client));
        Assert.Equal(201, created);
    }

    [Fact]
    public async Task V1_WithTheSessionCookieAndNoBearerKey_IsRefused()
    {
        using var client = Client(out var cookies);
        (await SignInAsync(client, api.AdminKey)).Dispose();
        var session = cookies.GetCookies(new Uri(api.BaseAddress, "/console/"))[ConsoleCookie.Name]!.Value;

        using var bare = api.CreateClient(null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/models");
        request.Headers.Add("Cookie", $"{ConsoleCookie.Name}={session}");
        using var direct = await bare.SendAsync(request);
        var (bridged, _) = await client.SendJsonAsync("GET", "/console/api/v1/models");

        Assert.Equal(HttpStatusCode.Unauthorized, direct.StatusCode);
        Assert.Equal(200, bridged);
    }

    [Fact]
    public async Task SignOut_EndsTheSession_AndPagesRedirectToSignIn()
    {
        using var client = Client(out _);
        (await SignInAsync(client, api.AdminKey)).Dispose();
        var token = await CsrfTokenAsync(client);
        using (var page = await client.GetAsync(new Uri("console/keys", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        var (withoutToken, _) = await client.SendJsonAsync("DELETE", "/console/session");
        var (signedOut, _) = await SendAsync(client, "DELETE", "/console/session", null, token);
        using var after = await client.GetAsync(new Uri("console/keys", UriKind.Relative));
        var (bridged, _) = await client.SendJsonAsync("GET", "/console/api/admin/organizations");

        Assert.Equal(403, withoutToken);
        Assert.Equal(204, signedOut);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal("/console/sign-in?next=%2Fconsole%2Fkeys", after.Headers.Location?.OriginalString);
        Assert.Equal(401, bridged);
    }

    [Theory]
    [InlineData("/", "/console")]
    [InlineData("/dashboard", "/console")]
    [InlineData("/playground", "/console/playground")]
    [InlineData("/console", "/console/sign-in")]
    [InlineData("/console/usage", "/console/sign-in?next=%2Fconsole%2Fusage")]
    public async Task Entrances_WithoutASession_LeadToSignIn(string path, string location)
    {
        using var client = Client(out _);
        using var response = await client.GetAsync(new Uri(path.TrimStart('/'), UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(location, response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Bridge_KeyRevokedAfterSignIn_Gets401AndEndsTheSession()
    {
        var key = await api.AdminOkAsync("POST", $"/admin/projects/proj_{api.DefaultProjectId}/api_keys", """{"name":"console-revoked","scopes":["admin","inference"]}""");
        using var client = Client(out _);
        (await SignInAsync(client, key.Str("value"))).Dispose();
        var (before, _) = await client.SendJsonAsync("GET", "/console/api/admin/tiers");

        await api.AdminOkAsync("POST", $"/admin/api_keys/{key.Str("id")}/revoke");
        var (after, _) = await client.SendJsonAsync("GET", "/console/api/admin/tiers");
        var (session, _) = await client.SendJsonAsync("GET", "/console/session");

        Assert.Equal(200, before);
        Assert.Equal(401, after);
        Assert.Equal(401, session);
    }

    [Fact]
    public async Task Bridge_InferenceOnlyKey_GetsTheApisOwn403ForAdmin()
    {
        using var client = Client(out _);
        (await SignInAsync(client, api.InferenceKey)).Dispose();
        var session = JsonDocument.Parse((await client.SendJsonAsync("GET", "/console/session")).Text).RootElement;
        var (admin, body) = await client.SendJsonAsync("GET", "/console/api/admin/tiers");
        using var home = await client.GetAsync(new Uri("console", UriKind.Relative));

        Assert.Equal(["inference"], session.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(403, admin);
        ApiCalls.AssertError(JsonDocument.Parse(body).RootElement, "insufficient_permissions");
        Assert.Equal("/console/playground", home.Headers.Location?.OriginalString);
    }

    [Fact]
    public void Sessions_EndWhenIdleOrPastTheirLifetime()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var sessions = new ConsoleSessions(Options.Create(new ConsoleOptions { IdleTimeout = TimeSpan.FromMinutes(30), AbsoluteLifetime = TimeSpan.FromHours(1) }), clock);
        var idle = sessions.Start("sk-a", "sk-...a", ["admin"]);
        var busy = sessions.Start("sk-b", "sk-...b", ["admin"]);

        clock.Advance(TimeSpan.FromMinutes(29));
        Assert.NotNull(sessions.Find(busy.Id));
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Null(sessions.Find(idle.Id));
        Assert.NotNull(sessions.Find(busy.Id));
        clock.Advance(TimeSpan.FromMinutes(28));
        Assert.NotNull(sessions.Find(busy.Id));
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(sessions.Find(busy.Id));
        Assert.Null(sessions.Find("made-up"));
        Assert.NotEqual(idle.CsrfToken, busy.CsrfToken);
    }

    private HttpClient Client(out CookieContainer cookies)
    {
        cookies = new CookieContainer();
        var handler = new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false };
        return new HttpClient(handler) { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string key, string? origin = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "console/session")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { api_key = key }), Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return await client.SendAsync(request);
    }

    private static async Task<string> CsrfTokenAsync(HttpClient client) =>
        JsonDocument.Parse((await client.SendJsonAsync("GET", "/console/session")).Text).RootElement.Str("csrf_token");

    private static async Task<(int Status, string Text)> SendAsync(HttpClient client, string method, string path, string? json, string csrfToken)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path.TrimStart('/'), UriKind.Relative));
        request.Headers.Add(ConsoleCookie.CsrfHeader, csrfToken);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }

        using var response = await client.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
