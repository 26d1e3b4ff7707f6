using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Tests.Support;
using Platform.Billing.Audit;
using Platform.Billing.Keys;

namespace Platform.Api.Tests.Api.Auth;

[Collection(ApiTests.Name)]
public sealed class ApiKeyAuthTests(ApiFixture api)
{
    private ApiKeyRepository Keys => api.Services.GetRequiredService<ApiKeyRepository>();

    [Theory]
    [InlineData("GET", "/v1/models")]
    [InlineData("GET", "/v1/models/tiny-synthetic")]
    [InlineData("POST", "/v1/chat/completions")]
    [InlineData("POST", "/v1/completions")]
    public async Task V1_NoAuthorizationHeader_401WithOpenAiWording(string method, string path)
    {
        var (status, body) = await api.SendAsync(null, method, path, method == "POST" ? """{"model":"tiny-synthetic","prompt":"a"}""" : null);

        Assert.Equal(401, status);
        ApiCalls.AssertError(body, "invalid_api_key");
        Assert.StartsWith("You didn't provide an API key.", body.GetProperty("error").Str("message"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer")]
    [InlineData("Bearer    ")]
    [InlineData("sk-abcdefghijklmnopqrstuvwxyz")]
    public async Task V1_NotBearerOrEmpty_401MissingKey(string header)
    {
        using var client = api.CreateClient(null);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", header);
        using var response = await client.GetAsync(new Uri("v1/models", UriKind.Relative));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(401, (int)response.StatusCode);
        ApiCalls.AssertError(body.RootElement, "invalid_api_key");
    }

    [Theory]
    [InlineData("not-a-key-at-all-1234")]
    [InlineData("sk-abc def")]
    [InlineData("sk-thisKeyWasNeverIssuedByTheServerAtAll0000")]
    public async Task V1_MalformedOrUnknownKey_401WithoutEchoingTheSecret(string key)
    {
        var (status, body) = await api.SendAsync(key, "GET", "/v1/models");

        Assert.Equal(401, status);
        ApiCalls.AssertError(body, "invalid_api_key");
        var message = body.GetProperty("error").Str("message");
        Assert.StartsWith("Incorrect API key provided: ", message, StringComparison.Ordinal);
        Assert.DoesNotContain(key, message, StringComparison.Ordinal);
        Assert.Contains("/admin/", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task V1_RevokedKey_401AtOnce()
    {
        var key = await NewKeyAsync();
        Assert.Equal(200, await api.ListModelsStatusAsync(key.Secret));

        await api.AdminOkAsync("POST", $"/admin/api_keys/key_{key.Key.Id}/revoke");

        var (status, body) = await api.SendAsync(key.Secret, "GET", "/v1/models");
        Assert.Equal(401, status);
        ApiCalls.AssertError(body, "invalid_api_key");
    }

    [Fact]
    public async Task V1_ExpiredKey_401()
    {
        var key = await NewKeyAsync(DateTimeOffset.UtcNow.AddSeconds(2));
        Assert.Equal(200, await api.ListModelsStatusAsync(key.Secret));

        await Task.Delay(TimeSpan.FromSeconds(2.2));

        var (status, body) = await api.SendAsync(key.Secret, "GET", "/v1/models");
        Assert.Equal(401, status);
        ApiCalls.AssertError(body, "invalid_api_key");
    }

    [Fact]
    public async Task V1_RotatedKey_OldWorksWithinGraceThenFails()
    {
        var key = await NewKeyAsync();
        Assert.Equal(200, await api.ListModelsStatusAsync(key.Secret));

        var rotation = await api.AdminOkAsync("POST", $"/admin/api_keys/key_{key.Key.Id}/rotate", """{"grace_seconds":2}""");
        var fresh = rotation.GetProperty("new_key").Str("value");

        Assert.Equal(200, await api.ListModelsStatusAsync(fresh));
        Assert.Equal(200, await api.ListModelsStatusAsync(key.Secret));
        Assert.Equal("rotating", rotation.GetProperty("old_key").Str("status"));
        await Task.Delay(TimeSpan.FromSeconds(2.2));
        var (status, body) = await api.SendAsync(key.Secret, "GET", "/v1/models");
        Assert.Equal(401, status);
        ApiCalls.AssertError(body, "invalid_api_key");
        Assert.Equal(200, await api.ListModelsStatusAsync(fresh));
    }

    [Fact]
    public async Task V1_RotatedWithNoGrace_OldFailsAtOnce()
    {
        var key = await NewKeyAsync();
        Assert.Equal(200, await api.ListModelsStatusAsync(key.Secret));

        await api.AdminOkAsync("POST", $"/admin/api_keys/key_{key.Key.Id}/rotate", """{"grace_seconds":0}""");

        Assert.Equal(401, await api.ListModelsStatusAsync(key.Secret));
    }

    [Fact]
    public async Task Admin_InferenceKey_403InsufficientPermissions()
    {
        var (status, body) = await api.SendAsync(api.InferenceKey, "GET", "/admin/organizations");

        Assert.Equal(403, status);
        ApiCalls.AssertError(body, "insufficient_permissions");
    }

    [Fact]
    public async Task V1_AdminOnlyKey_403()
    {
        var key = await Keys.CreateAsync(new NewApiKey(api.DefaultProjectId, "admin only", [ApiKeyScopes.Admin]), AuditActor.System);

        var (status, body) = await api.SendAsync(key.Secret, "GET", "/v1/models");

        Assert.Equal(403, status);
        ApiCalls.AssertError(body, "insufficient_permissions");
    }

    [Fact]
    public async Task Admin_NoKey_401()
    {
        var (status, body) = await api.SendAsync(null, "GET", "/admin/tiers");

        Assert.Equal(401, status);
        ApiCalls.AssertError(body, "invalid_api_key");
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    [InlineData("/openapi.yaml")]
    [InlineData("/docs/index.html")]
    public async Task OpenEndpoints_NoKey_Served(string path)
    {
        using var client = api.CreateClient(null);
        using var response = await client.GetAsync(new Uri(path.TrimStart('/'), UriKind.Relative));

        Assert.Equal(200, (int)response.StatusCode);
    }

    private Task<CreatedApiKey> NewKeyAsync(DateTimeOffset? expiresAt = null) =>
        Keys.CreateAsync(new NewApiKey(api.DefaultProjectId, "auth test", [ApiKeyScopes.Inference], expiresAt), AuditActor.System);
}
