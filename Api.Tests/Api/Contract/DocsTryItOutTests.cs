using Microsoft.Playwright;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Api.Contract;

/// <summary>
/// /docs as a first-time user meets it: Debian's Chromium, headless, opens Swagger UI on the test server's own
/// port (the contract's server URL is relative), authorizes with a key and runs one "Try it out".
/// </summary>
[Collection(ApiTests.Name)]
public sealed class DocsTryItOutTests(ApiFixture api)
{
    private static readonly string[] ChromiumFlags =
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    [Fact]
    public async Task Docs_TryItOutWithAKey_200()
    {
        var chromium = Environment.GetEnvironmentVariable("PLATFORM_TEST_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";
        Assert.True(File.Exists(chromium), $"Chromium is missing at {chromium}: ./test.sh installs Debian's chromium, or set PLATFORM_TEST_CHROMIUM.");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true, Args = ChromiumFlags, Timeout = 60_000 });
        var page = await browser.NewPageAsync();
        page.SetDefaultTimeout(30_000);

        await page.GotoAsync(new Uri(api.BaseAddress, "docs/index.html").ToString());
        await page.ClickAsync("button.authorize");
        await page.FillAsync(".modal-ux input", api.InferenceKey);
        await page.ClickAsync(".modal-ux .auth-btn-wrapper button.authorize");
        await page.ClickAsync(".modal-ux button.btn-done");
        var operation = page.Locator("#operations-default-listModels");
        await operation.Locator(".opblock-summary").First.ClickAsync();
        await operation.Locator("button.try-out__btn").ClickAsync();
        await operation.Locator("button.execute").ClickAsync();
        var status = operation.Locator(".live-responses-table tr.response .response-col_status").First;
        await status.WaitForAsync();

        Assert.Equal("200", (await status.InnerTextAsync()).Trim());
        Assert.Contains(ApiFixture.Synthetic, await operation.Locator(".live-responses-table tr.response .response-col_description").First.InnerTextAsync(), StringComparison.Ordinal);
    }
}
