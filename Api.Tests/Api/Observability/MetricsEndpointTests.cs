using System.Text;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Api.Observability;

[Collection(ApiTests.Name)]
public sealed class MetricsEndpointTests(ApiFixture api)
{
    [Fact]
    public async Task Metrics_AfterAStreamedCompletion_CountsRouteStatusAndTokenTimings()
    {
        using var client = api.CreateClient();
        var before = PrometheusParser.Parse(await client.GetStringAsync(new Uri("/metrics", UriKind.Relative)));
        using (var response = await client.PostAsync(new Uri("/v1/completions", UriKind.Relative), new StringContent(
            """{"model":"tiny-synthetic","prompt":"Hello","max_tokens":6,"temperature":0,"stream":true}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(200, (int)response.StatusCode);
            await SseReader.ReadDataAsync(response);
        }

        using var missing = await client.GetAsync(new Uri("/v1/models/no-such-model", UriKind.Relative));
        using var scrape = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
        var after = PrometheusParser.Parse(await scrape.Content.ReadAsStringAsync());

        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", scrape.Content.Headers.ContentType!.ToString());
        double Delta(string name, params (string, string)[] labels) => after.Sum(name, labels) - before.Sum(name, labels);
        Assert.True(Delta("platform_http_requests_total", ("route", "/v1/completions"), ("status", "200")) >= 1);
        Assert.True(Delta("platform_http_requests_total", ("route", "/v1/models/{id}"), ("status", "404")) >= 1);
        Assert.True(Delta("platform_http_request_duration_seconds_count", ("route", "/v1/completions")) >= 1);
        Assert.True(Delta("platform_time_to_first_token_seconds_count", ("model", "tiny-synthetic")) >= 1);
        Assert.True(Delta("platform_inter_token_latency_seconds_count", ("model", "tiny-synthetic")) >= 1);
        Assert.Equal("histogram", after.Types["platform_time_to_first_token_seconds"]);
        Assert.Equal("counter", after.Types["platform_http_requests_total"]);
    }

    [Fact]
    public async Task Metrics_IsOpenAndNeedsNoKey()
    {
        using var client = api.CreateClient(key: null);

        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Equal(200, (int)response.StatusCode);
        PrometheusParser.Parse(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metrics_ARequestOverTheTiersRpm_CountsARateLimitRejection()
    {
        var tier = (await api.AdminOkAsync("POST", "/admin/tiers",
            $$"""{"name":"{{$"m-rpm-{Guid.NewGuid():N}"[..20]}}","requests_per_minute":1,"tokens_per_minute":1000,"tokens_per_day":5000,"max_concurrent_requests":2}""")).Str("id");
        var org = (await api.AdminOkAsync("POST", "/admin/organizations", $$"""{"name":"{{ApiCalls.Unique("metrics")}}"}""")).Str("id");
        var project = (await api.AdminOkAsync("POST", $"/admin/organizations/{org}/projects", $$"""{"name":"p","tier_id":"{{tier}}"}""")).Str("id");
        var secret = (await api.AdminOkAsync("POST", $"/admin/projects/{project}/api_keys", """{"name":"k"}""")).Str("value");
        using var metrics = api.CreateClient(key: null);
        var before = PrometheusParser.Parse(await metrics.GetStringAsync(new Uri("/metrics", UriKind.Relative)));

        Assert.Equal(200, await api.ListModelsStatusAsync(secret));
        Assert.Equal(429, await api.ListModelsStatusAsync(secret));
        var after = PrometheusParser.Parse(await metrics.GetStringAsync(new Uri("/metrics", UriKind.Relative)));

        Assert.True(after.Sum("platform_rate_limit_rejections_total", ("limit", "requests")) - before.Sum("platform_rate_limit_rejections_total", ("limit", "requests")) >= 1);
        Assert.True(after.Sum("platform_http_requests_total", ("route", "/v1/models"), ("status", "429")) >= 1);
    }
}
