using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Api.Contract;

/// <summary>
/// /docs as a first-time user meets it: Debian's Chromium, headless, opens Swagger UI on the test server's own
/// port (the contract's server URL is relative), authorizes with a key and runs one "Try it out".
/// </summary>
[Collection(ApiTests.Name)]
public sealed class DocsTryItOutTests(ApiFixture api, BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Docs_TryItOutWithAKey_200()
    {
        await using var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
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
