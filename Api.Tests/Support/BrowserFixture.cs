using Microsoft.Playwright;

namespace Platform.Api.Tests.Support;

/// <summary>
/// Debian's Chromium driven by Playwright (never a downloaded browser): <c>/usr/bin/chromium</c>, or
/// <c>PLATFORM_TEST_CHROMIUM</c>. ./test.sh installs it; when it is missing the browser tests fail, in CI and out.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string Variable = "PLATFORM_TEST_CHROMIUM";

    private static readonly string[] Flags =
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser did not start.");

    public async Task InitializeAsync()
    {
        var path = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } set ? set : "/usr/bin/chromium";
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"No browser at {path}: install Debian's chromium (apt-get install chromium; ./test.sh does) or set {Variable}.");
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = path, Headless = true, Args = Flags, Timeout = 60_000 });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
