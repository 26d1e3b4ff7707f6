using System.Globalization;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Api.Console;

/// <summary>The console in a real browser (Debian's Chromium) against the real server: the flows a person goes through.</summary>
[Collection(ConsoleBrowserTestGroup.Name)]
public sealed class ConsoleBrowserTests(ApiFixture api, BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private static readonly string[] Pages = ["usage", "organizations", "keys", "tiers", "moderation", "status", "audit", "playground"];

    private readonly List<IPage> _pages = [];

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Closes this test's browser contexts, so no page (the status page polls) outlives its test.</summary>
    public async Task DisposeAsync()
    {
        foreach (var page in _pages)
        {
            await page.Context.CloseAsync();
        }
    }

    private async Task<IPage> NewPageAsync()
    {
        var page = await ConsoleBrowser.NewPageAsync(browser, api);
        _pages.Add(page);
        return page;
    }

    [Fact]
    public async Task EveryPage_SignedInWithTheBootstrapKey_LoadsWithoutErrors()
    {
        var page = await NewPageAsync();
        var scriptErrors = new List<string>();
        page.PageError += (_, error) => scriptErrors.Add(error);
        await page.GotoAsync("/console/sign-in");
        await ConsoleBrowser.ScreenshotAsync(page, "sign-in");

        await ConsoleBrowser.SignInAsync(page, api.AdminKey);
        Assert.EndsWith("/console/usage", page.Url, StringComparison.Ordinal);

        // Something for the latency charts of the status page to show.
        var (status, _) = await api.SendAsync(api.InferenceKey, "POST", "/v1/chat/completions", $$"""{"model":"{{ApiFixture.Synthetic}}","messages":[{"role":"user","content":"status"}],"max_tokens":8}""");
        Assert.Equal(200, status);
        foreach (var name in Pages)
        {
            await ConsoleBrowser.OpenAsync(page, $"/console/{name}");
            Assert.Empty(await page.Locator(".error").AllInnerTextsAsync());
            Assert.Equal("page", await page.Locator($"nav a[href='/console/{name}']").GetAttributeAsync("aria-current"));
            if (name == "status")
            {
                await page.Locator("#status-charts .card").First.WaitForAsync();
                Assert.Contains(ApiFixture.Llama, await page.Locator("main table").First.InnerTextAsync(), StringComparison.Ordinal);
                Assert.Contains("CPUExecutionProvider", await page.Locator("main table").First.InnerTextAsync(), StringComparison.Ordinal);
                Assert.DoesNotContain("no data", await page.Locator("#status-charts").InnerTextAsync(), StringComparison.Ordinal);

                // A second refresh, so the small charts have a line to draw.
                var first = await page.Locator("#status-updated").InnerTextAsync();
                await Assertions.Expect(page.Locator("#status-updated")).Not.ToHaveTextAsync(first, new() { Timeout = ConsoleBrowser.TimeoutMs });
            }

            await ConsoleBrowser.ScreenshotAsync(page, name);
        }

        Assert.Empty(scriptErrors);
    }

    [Fact]
    public async Task EveryPage_AxeCore_FindsNoSeriousViolations()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/console/sign-in");
        var found = new List<string>();
        await CheckAsync("sign-in");
        await ConsoleBrowser.SignInAsync(page, api.AdminKey);
        foreach (var name in Pages)
        {
            await ConsoleBrowser.OpenAsync(page, $"/console/{name}");
            await CheckAsync(name);
        }

        Assert.Empty(found);

        async Task CheckAsync(string name)
        {
            var result = await page.RunAxe();
            Assert.NotEmpty(result.Passes);
            found.AddRange(result.Violations
                .Where(v => v.Impact is "serious" or "critical")
                .Select(v => $"{name}: {v.Id} ({v.Impact}) {v.Help} at {string.Join(" | ", v.Nodes.Select(n => n.Html))}"));
        }
    }

    [Fact]
    public async Task SignIn_ByKeyboardAlone_ThenTheSkipLinkComesFirst()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/console/sign-in");
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("api-key", await page.EvaluateAsync<string>("() => document.activeElement.id"));
        await page.Keyboard.TypeAsync(api.AdminKey);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/console/usage");
        await ConsoleBrowser.ReadyAsync(page);

        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Skip to content", await page.EvaluateAsync<string>("() => document.activeElement.textContent"));
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("usage-start", await page.EvaluateAsync<string>("() => document.activeElement.id"));
    }

    [Fact]
    public async Task Keys_CreatedSecretShownOnce_ThenRevokedKeyGets401()
    {
        var page = await NewPageAsync();
        await ConsoleBrowser.SignInAsync(page, api.AdminKey, "/console/organizations");
        var organization = $"Browser org {Guid.NewGuid():N}"[..24];
        await page.GetByLabel("New organization name").FillAsync(organization);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create organization" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = $"Projects of {organization}" }).WaitForAsync();
        await page.GetByLabel("New project name").FillAsync("browser project");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create project" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Keys of browser project" }).ClickAsync();
        await ConsoleBrowser.ReadyAsync(page);
        Assert.Contains(organization, await page.GetByLabel("Project").Locator("option:checked").InnerTextAsync(), StringComparison.Ordinal);

        await page.GetByLabel("New key name").FillAsync("browser key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        var secret = (await page.Locator("#new-secret").InnerTextAsync()).Trim();
        Assert.Contains("you will not see it again", await page.Locator(".secret").InnerTextAsync(), StringComparison.Ordinal);
        await ConsoleBrowser.ScreenshotAsync(page, "keys-created");
        Assert.StartsWith("sk-", secret, StringComparison.Ordinal);
        Assert.Equal(200, await api.ListModelsStatusAsync(secret));

        await page.ReloadAsync();
        await ConsoleBrowser.ReadyAsync(page);
        Assert.Equal(0, await page.Locator("#new-secret").CountAsync());
        Assert.DoesNotContain(secret, await page.ContentAsync(), StringComparison.Ordinal);
        Assert.Contains("sk-..." + secret[^4..], await page.Locator("main table").InnerTextAsync(), StringComparison.Ordinal);

        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke browser key" }).ClickAsync();
        await page.Locator("main table td", new() { HasTextString = "revoked" }).WaitForAsync();
        Assert.Equal(401, await api.ListModelsStatusAsync(secret));
    }

    [Fact]
    public async Task Tiers_BadLimit_ShowsTheApisErrorNextToTheField_GoodLimitSaves()
    {
        var tier = await api.AdminOkAsync("POST", "/admin/tiers", $$"""
            {"name":"browser-{{Guid.NewGuid():N}}","requests_per_minute":60,"tokens_per_minute":10000,"tokens_per_day":100000,"max_concurrent_requests":4}
            """);
        var id = tier.Str("id");
        var page = await NewPageAsync();
        await ConsoleBrowser.SignInAsync(page, api.AdminKey, "/console/tiers");
        var form = page.Locator($"#tier-{id}");
        var field = form.GetByLabel("Requests per minute");

        await field.FillAsync("-5");
        await form.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        var error = page.Locator($"#{id}-requests_per_minute-error");
        await Assertions.Expect(error).Not.ToBeEmptyAsync();
        Assert.Equal("true", await field.GetAttributeAsync("aria-invalid"));
        Assert.Contains("requests_per_minute", await error.InnerTextAsync(), StringComparison.Ordinal);
        await ConsoleBrowser.ScreenshotAsync(page, "tiers-validation");
        Assert.Equal(60, (await api.AdminOkAsync("GET", $"/admin/tiers/{id}")).GetProperty("requests_per_minute").GetInt32());

        await field.FillAsync("120");
        await form.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.Locator("#announcer")).ToContainTextAsync("saved");
        Assert.Null(await field.GetAttributeAsync("aria-invalid"));
        Assert.Equal(120, (await api.AdminOkAsync("GET", $"/admin/tiers/{id}")).GetProperty("requests_per_minute").GetInt32());
    }

    [Fact]
    public async Task Prices_APriceNotYetInEffect_IsCorrectedFromThePage()
    {
        var model = $"browser-model-{Guid.NewGuid():N}";
        var future = DateTimeOffset.UtcNow.AddDays(2).ToUnixTimeSeconds();
        var price = await api.AdminOkAsync("POST", "/admin/model_prices", $$"""{"model":"{{model}}","input_per_million":1,"output_per_million":2,"effective_from":{{future}}}""");
        var id = price.Str("id");
        var page = await NewPageAsync();
        await ConsoleBrowser.SignInAsync(page, api.AdminKey, "/console/tiers");

        await page.GetByLabel($"output per million of {id}", new() { Exact = true }).FillAsync("4.25");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Save {id}" }).ClickAsync();
        await Assertions.Expect(page.Locator("#announcer")).ToContainTextAsync("corrected");

        var corrected = await api.AdminOkAsync("GET", $"/admin/model_prices/{id}");
        Assert.Equal(4.25m, corrected.GetProperty("output_per_million").GetDecimal());
        Assert.Equal(1m, corrected.GetProperty("input_per_million").GetDecimal());
    }

    [Fact]
    public async Task Usage_TotalsEqualTheUsageAndCostsApis_AndTheCsvIsTheReport()
    {
        await api.AdminAsync("POST", "/admin/model_prices", $$"""{"model":"{{ApiFixture.Synthetic}}","input_per_million":3,"cached_input_per_million":1,"output_per_million":7,"effective_from":1}""");
        for (var i = 0; i < 2; i++)
        {
            await api.SendAsync(api.InferenceKey, "POST", "/v1/chat/completions", $$"""{"model":"{{ApiFixture.Synthetic}}","messages":[{"role":"user","content":"usage {{i}}"}],"max_tokens":5}""");
        }

        var today = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 86400 * 86400;
        var (start, end) = (today - (6 * 86400), today + 86400);
        var page = await NewPageAsync();
        await ConsoleBrowser.SignInAsync(page, api.AdminKey, "/console/usage");

        // Metering writes in the background: the page and the APIs must agree once the numbers hold still.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        UsageTotals expected, shown;
        do
        {
            var before = await ApiTotalsAsync(start, end);
            await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
            await page.Locator("#total-requests").WaitForAsync();
            shown = await ShownTotalsAsync(page);
            expected = await ApiTotalsAsync(start, end);
            if (before == expected && expected.Requests >= 2 && shown == expected)
            {
                break;
            }

            await Task.Delay(250);
        }
        while (DateTime.UtcNow < deadline);

        Assert.True(expected.Requests >= 2, $"The two requests were not metered: {expected}");
        Assert.True(expected.Cost > 0, $"No cost: {expected}");
        Assert.Equal(expected, shown);
        var ungroupedCost = await CostsAsync(start, end, "");
        Assert.InRange(shown.Cost - ungroupedCost, -0.00005m, 0.00005m);
        await ConsoleBrowser.ScreenshotAsync(page, "usage-totals");

        // The page's own calls are metered in the background: compare once the report holds still.
        using var admin = api.CreateAdminClient();
        var reportUri = new Uri($"admin/reports/usage.csv?start_time={start}&end_time={end}&bucket_width=1d", UriKind.Relative);
        var report = "";
        await Poll.UntilAsync(
            async () =>
            {
                // Longer than the metering writer's 200 ms flush, so "unchanged" means nothing was on its way.
                await Task.Delay(300);
                var again = await admin.GetStringAsync(reportUri);
                var still = again == report;
                report = again;
                return still;
            },
            TimeSpan.FromSeconds(30),
            "the usage report to hold still");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download CSV" }).ClickAsync());
        var downloaded = await File.ReadAllTextAsync(await download.PathAsync());
        Assert.StartsWith("period_start,", downloaded, StringComparison.Ordinal);
        Assert.Equal(report, downloaded);
    }

    [Fact]
    public async Task Playground_StreamsTheAnswerIntoThePage_FirstTokenBeforeTheLast()
    {
        var page = await NewPageAsync();
        await ConsoleBrowser.SignInAsync(page, api.AdminKey, "/console/playground");
        await page.GetByLabel("Model").SelectOptionAsync(ApiFixture.Llama);
        await page.GetByLabel("Max tokens").FillAsync("200");
        await page.GetByLabel("Temperature").FillAsync("1");
        await page.GetByLabel("Seed").FillAsync("7");

        // The test's own probe: the answer's length each time the page changed it.
        await page.EvaluateAsync("""
            () => {
              window.answerLengths = [];
              new MutationObserver(() => window.answerLengths.push(document.getElementById('answer').textContent.length))
                .observe(document.getElementById('answer'), { childList: true, characterData: true, subtree: true });
            }
            """);
        await page.GetByRole(AriaRole.Button, new() { Name = "Run" }).ClickAsync();
        await page.Locator("#pg-finish").WaitForAsync();

        var lengths = (await page.EvaluateAsync<int[]>("() => window.answerLengths")).Where(l => l > 0).ToArray();
        var answer = await page.Locator("#answer").InnerTextAsync();
        Assert.True(lengths.Length >= 2, $"The answer arrived in one piece: {string.Join(",", lengths)}");
        Assert.True(lengths[0] < lengths[^1], $"The first text was not shorter than the last: {string.Join(",", lengths)}");
        Assert.Equal(answer.Length, lengths[^1]);
        Assert.Matches("^(stop|length)$", await page.Locator("#pg-finish").InnerTextAsync());
        Assert.Matches(@"^\d+ prompt \+ \d+ completion = \d+ tokens$", await page.Locator("#pg-usage").InnerTextAsync());
        Assert.Contains("x-ratelimit-limit-requests", await page.Locator("#pg-facts").InnerTextAsync(), StringComparison.Ordinal);
        await ConsoleBrowser.ScreenshotAsync(page, "playground-answer");

        await page.GetByRole(AriaRole.Button, new() { Name = "View code" }).ClickAsync();
        Assert.Contains("/v1/chat/completions", await page.Locator("#pg-code-text").InnerTextAsync(), StringComparison.Ordinal);
        await page.GetByRole(AriaRole.Tab, new() { Name = "Python" }).ClickAsync();
        Assert.Contains("from openai import OpenAI", await page.Locator("#pg-code-text").InnerTextAsync(), StringComparison.Ordinal);
        await page.GetByRole(AriaRole.Tab, new() { Name = "JavaScript" }).ClickAsync();
        Assert.Contains("import OpenAI from \"openai\"", await page.Locator("#pg-code-text").InnerTextAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(api.AdminKey, await page.ContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Moderation_FlaggedRequest_IsListedAndItsDetailShowsScoresAndExcerpt()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        var (status, _) = await api.SendAsync(api.InferenceKey, "POST", "/v1/chat/completions", $$"""{"model":"{{ApiFixture.Synthetic}}","messages":[{"role":"user","content":"I will kill you {{marker}}"}]}""");
        Assert.Equal(400, status);

        // Events are written in the background: wait (with a deadline) until the API lists it.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string? id = null;
        while (id is null && DateTime.UtcNow < deadline)
        {
            var events = await api.AdminOkAsync("GET", "/admin/moderation/events?category=violence&limit=100");
            id = events.GetProperty("data").EnumerateArray().Where(e => e.Str("excerpt").Contains(marker, StringComparison.Ordinal)).Select(e => e.Str("id")).FirstOrDefault();
            if (id is null)
            {
                await Task.Delay(200);
            }
        }

        Assert.NotNull(id);
        var page = await NewPageAsync();
        await ConsoleBrowser.SignInAsync(page, api.AdminKey, "/console/moderation");
        await page.GetByLabel("Category").SelectOptionAsync("violence");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        var details = page.GetByRole(AriaRole.Button, new() { Name = $"Details of {id}" });
        while (await details.CountAsync() == 0 && await page.GetByRole(AriaRole.Button, new() { Name = "Load more" }).CountAsync() > 0)
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Load more" }).ClickAsync();
        }

        await details.ClickAsync();
        var detail = page.Locator("#moderation-detail");
        await Assertions.Expect(detail).ToContainTextAsync(marker);
        Assert.Contains("blocked", await detail.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("violence", await detail.Locator("table").InnerTextAsync(), StringComparison.Ordinal);
        await ConsoleBrowser.ScreenshotAsync(page, "moderation-detail");
    }

    [Fact]
    public async Task SignOut_ThenAPageNeedingASession_RedirectsToSignIn()
    {
        var page = await NewPageAsync();
        await ConsoleBrowser.SignInAsync(page, api.AdminKey, "/console/audit");
        var cookie = Assert.Single(await page.Context.CookiesAsync(), c => c.Name == "platform_console");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.Empty(await page.EvaluateAsync<string[]>("() => Object.keys(localStorage).concat(Object.keys(sessionStorage))"));
        Assert.DoesNotContain(api.AdminKey, await page.EvaluateAsync<string>("() => document.cookie"), StringComparison.Ordinal);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForURLAsync("**/console/sign-in");
        await page.GotoAsync("/console/keys");

        Assert.EndsWith("/console/sign-in?next=%2Fconsole%2Fkeys", page.Url, StringComparison.Ordinal);
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "platform_console");
    }

    private async Task<UsageTotals> ApiTotalsAsync(long start, long end)
    {
        var usage = await api.AdminOkAsync("GET", $"/v1/organization/usage/completions?start_time={start}&end_time={end}&bucket_width=1d&limit=31");
        var results = usage.GetProperty("data").EnumerateArray().SelectMany(b => b.GetProperty("results").EnumerateArray()).ToList();
        return new UsageTotals(
            results.Sum(r => r.GetProperty("input_tokens").GetInt64()),
            results.Sum(r => r.GetProperty("input_cached_tokens").GetInt64()),
            results.Sum(r => r.GetProperty("output_tokens").GetInt64()),
            results.Sum(r => r.GetProperty("num_model_requests").GetInt64()),
            await CostsAsync(start, end, "&group_by=project_id,line_item"));
    }

    private async Task<decimal> CostsAsync(long start, long end, string groupBy)
    {
        var costs = await api.AdminOkAsync("GET", $"/v1/organization/costs?start_time={start}&end_time={end}&bucket_width=1d&limit=180{groupBy}");
        return Math.Round(costs.GetProperty("data").EnumerateArray().SelectMany(b => b.GetProperty("results").EnumerateArray())
            .Sum(r => r.GetProperty("amount").GetProperty("value").GetDecimal()), 6);
    }

    private static async Task<UsageTotals> ShownTotalsAsync(IPage page)
    {
        async Task<string> Value(string id) => await page.Locator($"#{id}").GetAttributeAsync("data-value") ?? "";
        return new UsageTotals(
            long.Parse(await Value("total-input-tokens"), CultureInfo.InvariantCulture),
            long.Parse(await Value("total-cached-tokens"), CultureInfo.InvariantCulture),
            long.Parse(await Value("total-output-tokens"), CultureInfo.InvariantCulture),
            long.Parse(await Value("total-requests"), CultureInfo.InvariantCulture),
            Math.Round(decimal.Parse(await Value("total-cost"), CultureInfo.InvariantCulture), 6));
    }

    private sealed record UsageTotals(long InputTokens, long CachedInputTokens, long OutputTokens, long Requests, decimal Cost);
}
