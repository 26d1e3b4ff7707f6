using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Api.Cors;

/// <summary>Browser preflights of /v1 as the OpenAI SDKs make them; the fixture allows <see cref="ApiFixture.CorsOrigin"/>.</summary>
[Collection(ApiTests.Name)]
public sealed class CorsTests(ApiFixture api)
{
    [Fact]
    public async Task Preflight_AllowedOrigin_204WithTheSdkHeaders()
    {
        using var response = await PreflightAsync(ApiFixture.CorsOrigin, "authorization,content-type,x-stainless-os,x-stainless-retry-count,openai-organization,x-evil");

        Assert.Equal(204, (int)response.StatusCode);
        Assert.Equal(ApiFixture.CorsOrigin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var allowed = response.Headers.GetValues("Access-Control-Allow-Headers").SelectMany(v => v.Split(',')).Select(h => h.Trim()).ToList();
        Assert.Equal(["authorization", "content-type", "x-stainless-os", "x-stainless-retry-count", "openai-organization"], allowed);
        Assert.Contains("POST", response.Headers.GetValues("Access-Control-Allow-Methods").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preflight_OtherOrigin_204WithoutAllowOrigin()
    {
        using var response = await PreflightAsync("https://elsewhere.example", "authorization");

        Assert.Equal(204, (int)response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Request_AllowedOrigin_AllowOriginAndExposedHeadersOnSuccessAndError()
    {
        using var client = api.CreateClient();
        using var ok = new HttpRequestMessage(HttpMethod.Get, new Uri("v1/models", UriKind.Relative));
        ok.Headers.Add("Origin", ApiFixture.CorsOrigin);
        using var okResponse = await client.SendAsync(ok);
        using var bad = api.CreateClient("sk-not-a-key-of-this-server-at-all");
        using var unauthorized = new HttpRequestMessage(HttpMethod.Get, new Uri("v1/models", UriKind.Relative));
        unauthorized.Headers.Add("Origin", ApiFixture.CorsOrigin);
        using var errorResponse = await bad.SendAsync(unauthorized);

        Assert.Equal(200, (int)okResponse.StatusCode);
        Assert.Equal(ApiFixture.CorsOrigin, okResponse.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("x-request-id", okResponse.Headers.GetValues("Access-Control-Expose-Headers").Single(), StringComparison.Ordinal);
        Assert.Equal(401, (int)errorResponse.StatusCode);
        Assert.Equal(ApiFixture.CorsOrigin, errorResponse.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    private async Task<HttpResponseMessage> PreflightAsync(string origin, string headers)
    {
        using var client = api.CreateClient(null);
        using var request = new HttpRequestMessage(HttpMethod.Options, new Uri("v1/chat/completions", UriKind.Relative));
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", headers);
        return await client.SendAsync(request);
    }
}
