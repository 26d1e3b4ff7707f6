using Microsoft.Playwright;
using Platform.Api.Tests.Support;

namespace Platform.Api.Tests.Api.Console;

/// <summary>What the console's browser tests share: a fresh context per test, sign-in, waiting for a page, screenshots.</summary>
internal static class ConsoleBrowser
{
    /// <summary>Every wait in these tests has this deadline.</summary>
    public const float TimeoutMs = 30_000;

    public static async Task<IPage> NewPageAsync(BrowserFixture browser, ApiFixture api)
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = api.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 860 },
            AcceptDownloads = true,
        });
        context.SetDefaultTimeout(TimeoutMs);
        return await context.NewPageAsync();
    }

    public static async Task SignInAsync(IPage page, string key, string next = "/console")
    {
        await page.GotoAsync(next);
        await page.WaitForURLAsync("**/console/sign-in**");
        await page.GetByLabel("API key").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        // Committed is enough: the page's own ready mark says when its data is in, and the load event, which waits
        // for the page module's top-level await, was seen to lag behind it in full-suite runs.
        try
        {
            await page.WaitForURLAsync(url => !url.Contains("/sign-in", StringComparison.Ordinal), new() { WaitUntil = WaitUntilState.Commit });
        }
        catch (TimeoutException e)
        {
            // Say what the page showed: a refused sign-in and a session lost on the way look alike from here.
            var shown = await page.Locator("#api-key-error").TextContentAsync(new() { Timeout = 1_000 });
            throw new TimeoutException($"Still on {page.Url} after signing in; the page says: '{shown}'.", e);
        }

        await ReadyAsync(page);
    }

    public static async Task OpenAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await ReadyAsync(page);
    }

    /// <summary>The page's script ran to its end (data loaded or an error shown).</summary>
    public static Task ReadyAsync(IPage page) => page.WaitForSelectorAsync("body[data-ready='true']");

    /// <summary>
    /// Written to .data/test-results/console/; with PLATFORM_UPDATE_SCREENSHOTS=1, to docs/console/ where the README
    /// shows them. A plain test run must not rewrite tracked files: every run re-renders them a few pixels differently.
    /// </summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var root = RepositoryRoot();
        var folder = Environment.GetEnvironmentVariable("PLATFORM_UPDATE_SCREENSHOTS") == "1"
            ? Path.Combine(root, "docs", "console")
            : Path.Combine(root, ".data", "test-results", "console");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = false });
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Platform.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Platform.sln not found above the test binaries.");
    }
}
