using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api.WaitingRoom;
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

        Assert.Equal("text/plain", scrape.Content.Headers.ContentType!.MediaType);
        Assert.Contains(scrape.Content.Headers.ContentType.Parameters, p => p.Name == "version" && p.Value == "0.0.4");
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
    public async Task Metrics_EveryFamilyOfTheDocsTable_IsScrapedUnderItsExactNameAndType()
    {
        using var client = api.CreateClient();
        using (var response = await client.PostAsync(new Uri("/v1/completions", UriKind.Relative), new StringContent(
            """{"model":"tiny-synthetic","prompt":"Hi","max_tokens":3,"temperature":0,"stream":true}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(200, (int)response.StatusCode);
            await SseReader.ReadDataAsync(response);
        }

        // A counter or histogram is exported from its first measurement on; nothing waits in this fixture's
        // waiting room, so one wait and one rejection go through the host's own instruments, under a model and
        // a reason no other test of the fixture counts.
        var waitingRoom = api.Services.GetRequiredService<WaitingRooms>().Metrics;
        waitingRoom.Waited("docs-table-test", "cancelled", TimeSpan.FromMilliseconds(5));
        waitingRoom.Rejected("project_queue_full");
        var documented = DocumentedFamilies();
        var scrape = new PrometheusParser();
        await Poll.UntilAsync(
            async () =>
            {
                scrape = PrometheusParser.Parse(await client.GetStringAsync(new Uri("/metrics", UriKind.Relative)));
                return scrape.Types.ContainsKey("platform_metering_events_total");
            },
            TimeSpan.FromSeconds(30),
            "the completion's usage event to be metered");

        Assert.True(documented.Count >= 20, $"only {documented.Count} rows read from docs/metrics.md");
        var wrong = documented
            .Where(f => !scrape.Types.TryGetValue(f.Key, out var type) || type != f.Value)
            .Select(f => $"{f.Key}: documented {f.Value}, scraped {(scrape.Types.TryGetValue(f.Key, out var t) ? t : "nothing")}")
            .ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        var ours = scrape.Types.Keys.Where(n => n.StartsWith("platform_", StringComparison.Ordinal) && !documented.ContainsKey(n)).ToList();
        Assert.True(ours.Count == 0, $"undocumented: {string.Join(", ", ours)}");
        Assert.All(scrape.Samples, s => Assert.DoesNotContain(s.Labels.Keys, k => k.StartsWith("otel_scope_", StringComparison.Ordinal)));
        // ASP.NET Core's and Npgsql's own instruments come along under their semantic-convention names.
        Assert.Equal("histogram", scrape.Types["http_server_request_duration_seconds"]);
        Assert.Equal("histogram", scrape.Types["db_client_operation_duration_seconds"]);
    }

    /// <summary>The name and type of each row of the table in docs/metrics.md.</summary>
    private static Dictionary<string, string> DocumentedFamilies()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Platform.sln")))
        {
            root = root.Parent ?? throw new InvalidOperationException("Platform.sln not found above the test binaries.");
        }

        var families = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(Path.Combine(root.FullName, "docs", "metrics.md")))
        {
            var cells = line.Split('|', StringSplitOptions.TrimEntries);
            if (cells.Length > 3 && cells[1].StartsWith("`platform_", StringComparison.Ordinal))
            {
                families.Add(cells[1].Trim('`'), cells[2]);
            }
        }

        return families;
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
