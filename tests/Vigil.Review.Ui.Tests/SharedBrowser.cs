using Microsoft.Playwright;

namespace Vigil.Review.Ui.Tests;

/// <summary>
/// One headless chromium for the whole assembly: Debian's (<c>/usr/bin/chromium</c>, installed by
/// <c>scripts/ensure-deps.sh test</c>); Playwright never downloads a browser of its own. Each test
/// gets a fresh context (its own cookies), so tests share the process, never a session.
/// </summary>
public sealed class SharedBrowser : IAsyncLifetime
{
    /// <summary>Where Debian puts chromium.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    /// <summary>The browser.</summary>
    public IBrowser Browser { get; private set; } = null!;

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: run scripts/ensure-deps.sh test (it installs Debian's chromium)");
        _playwright = await Playwright.CreateAsync();
        var args = new List<string> { "--disable-gpu", "--disable-dev-shm-usage" };
        // Chromium refuses to run as root with its sandbox on; the tests run as root on CI.
        if (Environment.UserName == "root")
            args.Add("--no-sandbox");
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = args,
        });
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.CloseAsync();
        _playwright?.Dispose();
    }
}

/// <summary>The tests that drive the browser: one collection, so they share <see cref="SharedBrowser"/> and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<SharedBrowser>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "browser";
}
