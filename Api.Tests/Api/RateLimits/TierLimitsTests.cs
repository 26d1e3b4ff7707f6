using System.Text.Json;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Api.RateLimits;

[Collection(ApiTests.Name)]
public sealed class TierLimitsTests(ApiFixture api)
{
    [Fact]
    public async Task V1_EveryResponse_CarriesOpenAisRateLimitHeaders()
    {
        using var client = api.CreateClient();
        using var response = await client.GetAsync(new Uri("/v1/models", UriKind.Relative));

        foreach (var header in new[] { "limit-requests", "remaining-requests", "reset-requests", "limit-tokens", "remaining-tokens", "reset-tokens" })
        {
            Assert.True(response.Headers.Contains($"x-ratelimit-{header}"), $"x-ratelimit-{header} is missing");
        }
    }

    [Fact]
    public async Task V1_OverTheTiersRpm_429WithRetryHeadersAndOpenAiError()
    {
        var tier = (await api.AdminOkAsync("POST", "/admin/tiers",
            $$"""{"name":"{{$"rpm2-{Guid.NewGuid():N}"[..20]}}","requests_per_minute":2,"tokens_per_minute":1000,"tokens_per_day":5000,"max_concurrent_requests":2}""")).Str("id");
        var org = (await api.AdminOkAsync("POST", "/admin/organizations", $$"""{"name":"{{ApiCalls.Unique("rl")}}"}""")).Str("id");
        var project = (await api.AdminOkAsync("POST", $"/admin/organizations/{org}/projects", $$"""{"name":"p","tier_id":"{{tier}}"}""")).Str("id");
        var secret = (await api.AdminOkAsync("POST", $"/admin/projects/{project}/api_keys", """{"name":"k"}""")).Str("value");
        using var client = api.CreateClient(secret);

        using var first = await client.GetAsync(new Uri("/v1/models", UriKind.Relative));
        using var second = await client.GetAsync(new Uri("/v1/models", UriKind.Relative));
        using var third = await client.GetAsync(new Uri("/v1/models", UriKind.Relative));

        Assert.Equal(200, (int)first.StatusCode);
        Assert.Equal("2", first.Headers.GetValues("x-ratelimit-limit-requests").Single());
        Assert.Equal("1", first.Headers.GetValues("x-ratelimit-remaining-requests").Single());
        Assert.Equal(200, (int)second.StatusCode);
        Assert.Equal(429, (int)third.StatusCode);
        Assert.InRange(int.Parse(third.Headers.GetValues("retry-after-ms").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 30_000);
        Assert.NotNull(third.Headers.RetryAfter);
        foreach (var header in new[] { "limit-requests", "remaining-requests", "reset-requests", "limit-tokens", "remaining-tokens", "reset-tokens" })
        {
            Assert.True(third.Headers.Contains($"x-ratelimit-{header}"), $"x-ratelimit-{header} is missing on the per-minute 429");
        }

        Assert.Equal("1000", third.Headers.GetValues("x-ratelimit-limit-tokens").Single());
        using var body = JsonDocument.Parse(await third.Content.ReadAsStringAsync());
        var error = body.RootElement.GetProperty("error");
        Assert.Equal("requests", error.Str("type"));
        Assert.Equal("rate_limit_exceeded", error.Str("code"));
        Assert.Equal(JsonValueKind.Null, error.GetProperty("param").ValueKind);
        Assert.Contains("Limit 2", error.Str("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task V1_TokenLimits_AdmittedAtPromptPlusMaxTokensAndReconciled()
    {
        var tier = (await api.AdminOkAsync("POST", "/admin/tiers",
            $$"""{"name":"{{$"tpm-{Guid.NewGuid():N}"[..20]}}","requests_per_minute":100,"tokens_per_minute":300,"tokens_per_day":100000,"max_concurrent_requests":2}""")).Str("id");
        var org = (await api.AdminOkAsync("POST", "/admin/organizations", $$"""{"name":"{{ApiCalls.Unique("tpm")}}"}""")).Str("id");
        var project = (await api.AdminOkAsync("POST", $"/admin/organizations/{org}/projects", $$"""{"name":"p","tier_id":"{{tier}}"}""")).Str("id");
        using var client = api.CreateClient((await api.AdminOkAsync("POST", $"/admin/projects/{project}/api_keys", """{"name":"k"}""")).Str("value"));
        static StringContent Completion(int maxTokens) => new($$"""{"model":"tiny-synthetic","prompt":"Hello","max_tokens":{{maxTokens}},"temperature":0}""", System.Text.Encoding.UTF8, "application/json");

        using var tooLarge = await client.PostAsync(new Uri("/v1/completions", UriKind.Relative), Completion(400));
        using var admitted = await client.PostAsync(new Uri("/v1/completions", UriKind.Relative), Completion(100));
        using var next = await client.GetAsync(new Uri("/v1/models", UriKind.Relative));

        Assert.Equal(429, (int)tooLarge.StatusCode);
        using (var body = JsonDocument.Parse(await tooLarge.Content.ReadAsStringAsync()))
        {
            Assert.Equal("tokens", body.RootElement.GetProperty("error").Str("type"));
            Assert.Equal("rate_limit_exceeded", body.RootElement.GetProperty("error").Str("code"));
        }

        Assert.Equal(200, (int)admitted.StatusCode);
        using var usage = JsonDocument.Parse(await admitted.Content.ReadAsStringAsync());
        var used = usage.RootElement.GetProperty("usage").GetProperty("total_tokens").GetInt32();
        static long Remaining(HttpResponseMessage r) => long.Parse(r.Headers.GetValues("x-ratelimit-remaining-tokens").Single(), System.Globalization.CultureInfo.InvariantCulture);

        // While generating, the whole reservation (prompt + 100) was held; afterwards only what was used is gone.
        Assert.InRange(Remaining(admitted), 0, 300 - 100);
        Assert.InRange(Remaining(next), 300 - used - 5, 300 - used + 5);
    }

    [Fact]
    public async Task V1_CompletionFailingBeforeItsReservation_CountsOneRequest_AndOverRpmGets429()
    {
        using var client = await NewClientAsync("fail", requestsPerMinute: 2, tokensPerMinute: 1_000);

        using var badBody = await client.PostAsync(new Uri("/v1/completions", UriKind.Relative), new StringContent("""{"model":"tiny-synthetic","prompt":""", System.Text.Encoding.UTF8, "application/json"));
        using var noModel = await client.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative), new StringContent(
            """{"model":"no-such-model","messages":[{"role":"user","content":"hi"}]}""", System.Text.Encoding.UTF8, "application/json"));
        using var third = await client.PostAsync(new Uri("/v1/completions", UriKind.Relative), new StringContent("""{"model":"tiny-synthetic","prompt":""", System.Text.Encoding.UTF8, "application/json"));

        // As OpenAI counts unsuccessful requests: each error took one request, and then the limit answers first.
        Assert.Equal(400, (int)badBody.StatusCode);
        Assert.Equal("1", badBody.Headers.GetValues("x-ratelimit-remaining-requests").Single());
        Assert.Equal("1000", badBody.Headers.GetValues("x-ratelimit-remaining-tokens").Single());
        Assert.Equal(404, (int)noModel.StatusCode);
        Assert.Equal("0", noModel.Headers.GetValues("x-ratelimit-remaining-requests").Single());
        Assert.Equal(429, (int)third.StatusCode);
        Assert.NotNull(third.Headers.RetryAfter);
        Assert.True(third.Headers.Contains("retry-after-ms"));
        Assert.Equal("1000", third.Headers.GetValues("x-ratelimit-limit-tokens").Single());
        using var body = JsonDocument.Parse(await third.Content.ReadAsStringAsync());
        Assert.Equal("requests", body.RootElement.GetProperty("error").Str("type"));
        Assert.Contains("requests per min (RPM): Limit 2", body.RootElement.GetProperty("error").Str("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task V1_CompletionRefusedForTokens_TakesNoRequest_AndAnAdmittedOneTakesOne()
    {
        using var client = await NewClientAsync("atomic", requestsPerMinute: 3, tokensPerMinute: 300);
        static StringContent Completion(int maxTokens) => new($$"""{"model":"tiny-synthetic","prompt":"Hello","max_tokens":{{maxTokens}},"temperature":0}""", System.Text.Encoding.UTF8, "application/json");

        using var tooLarge = await client.PostAsync(new Uri("/v1/completions", UriKind.Relative), Completion(400));
        using var admitted = await client.PostAsync(new Uri("/v1/completions", UriKind.Relative), Completion(10));
        using var next = await client.GetAsync(new Uri("/v1/models", UriKind.Relative));

        Assert.Equal(429, (int)tooLarge.StatusCode);
        Assert.Equal("3", tooLarge.Headers.GetValues("x-ratelimit-remaining-requests").Single());
        Assert.Equal("300", tooLarge.Headers.GetValues("x-ratelimit-limit-tokens").Single());
        Assert.Equal(200, (int)admitted.StatusCode);
        Assert.Equal("2", admitted.Headers.GetValues("x-ratelimit-remaining-requests").Single());
        Assert.Equal("1", next.Headers.GetValues("x-ratelimit-remaining-requests").Single());
    }

    [Fact]
    public async Task V1_TierAllowsSomeModels_OthersDoNotExistForIt()
    {
        var tier = (await api.AdminOkAsync("POST", "/admin/tiers",
            $$"""{"name":"{{$"only-{Guid.NewGuid():N}"[..20]}}","requests_per_minute":100,"tokens_per_minute":100000,"tokens_per_day":1000000,"max_concurrent_requests":2,"allowed_models":["tiny-synthetic"]}""")).Str("id");
        var org = (await api.AdminOkAsync("POST", "/admin/organizations", $$"""{"name":"{{ApiCalls.Unique("models")}}"}""")).Str("id");
        var project = (await api.AdminOkAsync("POST", $"/admin/organizations/{org}/projects", $$"""{"name":"p","tier_id":"{{tier}}"}""")).Str("id");
        using var client = api.CreateClient((await api.AdminOkAsync("POST", $"/admin/projects/{project}/api_keys", """{"name":"k"}""")).Str("value"));

        using var list = JsonDocument.Parse(await client.GetStringAsync(new Uri("/v1/models", UriKind.Relative)));
        using var other = await client.GetAsync(new Uri("/v1/models/tiny-random-llama", UriKind.Relative));
        using var chat = await client.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative), new StringContent(
            """{"model":"tiny-random-llama","messages":[{"role":"user","content":"hi"}]}""", System.Text.Encoding.UTF8, "application/json"));
        using var allowed = await client.PostAsync(new Uri("/v1/completions", UriKind.Relative), new StringContent(
            """{"model":"tiny-synthetic","prompt":"hi","max_tokens":2}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(["tiny-synthetic"], list.RootElement.GetProperty("data").EnumerateArray().Select(m => m.Str("id")));
        Assert.Equal(404, (int)other.StatusCode);
        Assert.Equal(404, (int)chat.StatusCode);
        Assert.Contains("model_not_found", await chat.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(200, (int)allowed.StatusCode);
    }

    [Fact]
    public async Task V1_OverTheMonthlyQuota_429InsufficientQuotaWithoutRetryAfter()
    {
        var tier = (await api.AdminOkAsync("POST", "/admin/tiers",
            $$"""{"name":"{{$"quota-{Guid.NewGuid():N}"[..20]}}","requests_per_minute":100,"tokens_per_minute":100000,"tokens_per_day":1000000,"monthly_token_quota":40,"max_concurrent_requests":2}""")).Str("id");
        var org = (await api.AdminOkAsync("POST", "/admin/organizations", $$"""{"name":"{{ApiCalls.Unique("quota")}}"}""")).Str("id");
        var project = (await api.AdminOkAsync("POST", $"/admin/organizations/{org}/projects", $$"""{"name":"p","tier_id":"{{tier}}"}""")).Str("id");
        using var client = api.CreateClient((await api.AdminOkAsync("POST", $"/admin/projects/{project}/api_keys", """{"name":"k"}""")).Str("value"));

        HttpResponseMessage? refused = null;
        for (var i = 0; i < 10 && refused is null; i++)
        {
            var response = await client.PostAsync(new Uri("/v1/completions", UriKind.Relative), new StringContent(
                """{"model":"tiny-synthetic","prompt":"Hello","max_tokens":8,"temperature":0}""", System.Text.Encoding.UTF8, "application/json"));
            if ((int)response.StatusCode == 429)
            {
                refused = response;
            }
            else
            {
                Assert.Equal(200, (int)response.StatusCode);
                response.Dispose();
            }
        }

        Assert.NotNull(refused);
        using (refused)
        {
            using var body = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
            Assert.Equal("insufficient_quota", body.RootElement.GetProperty("error").Str("type"));
            Assert.Equal("insufficient_quota", body.RootElement.GetProperty("error").Str("code"));
            Assert.Null(refused.Headers.RetryAfter);
            Assert.False(refused.Headers.Contains("retry-after-ms"));
        }
    }

    private async Task<HttpClient> NewClientAsync(string name, int requestsPerMinute, int tokensPerMinute)
    {
        var tier = (await api.AdminOkAsync("POST", "/admin/tiers",
            $$"""{"name":"{{$"{name}-{Guid.NewGuid():N}"[..20]}}","requests_per_minute":{{requestsPerMinute}},"tokens_per_minute":{{tokensPerMinute}},"tokens_per_day":100000,"max_concurrent_requests":2}""")).Str("id");
        var org = (await api.AdminOkAsync("POST", "/admin/organizations", $$"""{"name":"{{ApiCalls.Unique(name)}}"}""")).Str("id");
        var project = (await api.AdminOkAsync("POST", $"/admin/organizations/{org}/projects", $$"""{"name":"p","tier_id":"{{tier}}"}""")).Str("id");
        return api.CreateClient((await api.AdminOkAsync("POST", $"/admin/projects/{project}/api_keys", """{"name":"k"}""")).Str("value"));
    }
}
