using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Vigil.Hashing.Signals;
using Vigil.Server;
using Vigil.Server.ReviewUi;
using Vigil.Storage;
using Vigil.Storage.Sqlite;
using Vigil.Testing;

namespace Vigil.Review.Ui.Tests;

/// <summary>A real Vigil server on 127.0.0.1:0 over a temporary SQLite store, for a test class.</summary>
public abstract class UiServer : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private WebApplication _app = null!;

    /// <summary>The store the server runs on.</summary>
    protected SqliteVigilStore Store { get; private set; } = null!;

    /// <summary>The server's address, e.g. <c>http://127.0.0.1:54321</c> (no trailing slash).</summary>
    protected string BaseUrl { get; private set; } = "";

    /// <summary>The running server's services.</summary>
    protected IServiceProvider Services => _app.Services;

    /// <summary>The server's settings (tests shorten the break interval, say).</summary>
    protected virtual ServerSettings Settings => new()
    {
        Urls = "http://127.0.0.1:0",
        FollowInterval = TimeSpan.FromMilliseconds(200),
        KeyCacheTime = TimeSpan.FromMilliseconds(200),
    };

    /// <summary>Replaces the server's services (e.g. its clock).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>Fills the store before the server starts (banks, say).</summary>
    protected virtual Task SeedAsync(SqliteVigilStore store) => Task.CompletedTask;

    /// <inheritdoc/>
    public virtual async Task InitializeAsync()
    {
        Store = await SqliteVigilStore.OpenAsync(Path.Combine(_dir.Path, "vigil.db"));
        await SeedAsync(Store);
        _app = VigilServer.Build(Store, Settings, _ => { }, ConfigureServices);
        await _app.StartAsync();
        BaseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
    }

    /// <inheritdoc/>
    public virtual async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Store.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    /// <summary>Creates a key of a role; returns its secret and name.</summary>
    protected async Task<(string Secret, string Name)> KeyAsync(ApiKeyRole role, string? name = null)
    {
        string secret = ApiKeySecrets.Generate();
        name ??= $"{ApiKeySecrets.RoleName(role)}-{Guid.NewGuid():N}"[..20];
        await Store.CreateApiKeyAsync(name, role, ApiKeySecrets.Hash(secret));
        return (secret, name);
    }

    /// <summary>An HTTP client with its own cookie jar that does not follow redirects (to see them).</summary>
    protected (HttpClient Http, CookieContainer Cookies) Client()
    {
        var cookies = new CookieContainer();
        var handler = new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false };
        return (new HttpClient(handler) { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(10) }, cookies);
    }

    /// <summary>Signs a browser page in with a key (the login form, as a reviewer would).</summary>
    protected async Task SignInAsync(IPage page, string secret)
    {
        await page.GotoAsync(BaseUrl + "/review/login");
        await page.FillAsync("#key", secret);
        await page.ClickAsync("button[type=submit]");
        await ArriveAsync(page, "/review/queue");
    }

    /// <summary>
    /// Claims the next case from the queue page (<paramref name="claim"/>: the button or the <c>c</c> key, once the page's
    /// script is live) and waits for that case's page.
    /// </summary>
    protected static async Task ClaimFromQueueAsync(IPage page, long caseId, Func<Task> claim, float timeoutMs = 60_000)
    {
        await page.WaitForSelectorAsync("body[data-ready]", new() { Timeout = timeoutMs });
        await claim();
        await ArriveAsync(page, $"/review/cases/{caseId}", timeoutMs);
    }

    /// <summary>
    /// Waits until the page's URL ends with <paramref name="urlEnd"/> and that page's script is live (body[data-ready]);
    /// a wait that times out fails with where the page is and what it says. Not <c>WaitForURLAsync</c>: that waits for
    /// the load event, which once never came in CI on a page whose network had gone idle (a form POST answered by a
    /// redirect); the ready mark is set by the page itself and polled inside it, across navigations.
    /// </summary>
    protected static async Task ArriveAsync(IPage page, string urlEnd, float timeoutMs = 60_000)
    {
        try
        {
            await page.WaitForFunctionAsync(
                "end => location.href.endsWith(end) && document.body !== null && document.body.dataset.ready === 'true'",
                urlEnd, new() { Timeout = timeoutMs, PollingInterval = 100 });
        }
        catch (TimeoutException e)
        {
            string text = "(unreadable)";
            try { text = (await page.InnerTextAsync("body", new() { Timeout = 5_000 })).ReplaceLineEndings(" "); }
            catch (PlaywrightException) { }
            throw new Xunit.Sdk.XunitException($"waiting for a page ending {urlEnd}, the browser is at {page.Url}, which says: {text[..Math.Min(600, text.Length)]}", e);
        }
    }

    /// <summary>Signs in over HTTP as a browser would (login page, then its form); returns the session's CSRF token.</summary>
    protected async Task<string> SignInAsync(HttpClient http, string secret)
    {
        string page = await (await http.GetAsync("/review/login")).Content.ReadAsStringAsync();
        string token = HiddenValue(page, ReviewSessions.CsrfField);
        using var response = await http.PostAsync("/review/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [ReviewSessions.CsrfField] = token,
            ["key"] = secret,
            ["next"] = "/review/queue",
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        string queue = await (await http.GetAsync("/review/queue")).Content.ReadAsStringAsync();
        return MetaCsrf(queue);
    }

    /// <summary>The value of a hidden input in a page.</summary>
    protected static string HiddenValue(string page, string name)
    {
        var match = System.Text.RegularExpressions.Regex.Match(page, $"name=\"{name}\" value=\"([^\"]*)\"");
        Assert.True(match.Success, $"no hidden field {name} in the page");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    /// <summary>The page's CSRF token (its meta tag).</summary>
    protected static string MetaCsrf(string page)
    {
        var match = System.Text.RegularExpressions.Regex.Match(page, "<meta name=\"csrf-token\" content=\"([^\"]*)\">");
        Assert.True(match.Success, "no csrf-token meta in the page");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    /// <summary>The audit log's entries, oldest first.</summary>
    protected async Task<IReadOnlyList<AuditEntry>> AuditAsync()
    {
        // The trail writes in batches: wait until what was queued is in the store.
        var trail = Services.GetRequiredService<AuditTrail>();
        for (int i = 0; i < 100 && trail.QueueLength > 0; i++)
            await Task.Delay(20);
        await Task.Delay(50);
        var entries = new List<AuditEntry>();
        await foreach (var entry in Store.ReadAuditAsync())
            entries.Add(entry);
        return entries;
    }
}
