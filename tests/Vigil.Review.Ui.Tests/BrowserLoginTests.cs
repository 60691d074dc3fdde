using Microsoft.Playwright;
using Vigil.Server;
using Vigil.Storage;

namespace Vigil.Review.Ui.Tests;

/// <summary>Signing in and out in a real browser (the default break interval, so no reminder can cover the page mid-test).</summary>
[Collection(BrowserCollection.Name)]
public class BrowserLoginTests(SharedBrowser shared) : UiServer
{
    [Fact]
    public async Task A_reviewer_signs_in_and_out()
    {
        var (secret, name) = await KeyAsync(ApiKeyRole.Reviewer);
        await using var context = await shared.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        // Script errors and CSP violations (a refused page's "failed to load resource" is expected: the 401 of the bad key).
        page.PageError += (_, error) => errors.Add(error);
        page.Console += (_, message) => { if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal)) errors.Add(message.Text); };

        await page.GotoAsync(BaseUrl + "/review/queue");
        Assert.EndsWith("/review/login?next=%2Freview%2Fqueue", page.Url, StringComparison.Ordinal);
        await page.FillAsync("#key", "vgl_not-a-key");
        await page.ClickAsync("button[type=submit]");
        Assert.Contains("That key is not valid.", await page.TextContentAsync("main"), StringComparison.Ordinal);

        await page.FillAsync("#key", secret);
        await page.ClickAsync("button[type=submit]");
        await ArriveAsync(page, "/review/queue");
        Assert.Contains(name, await page.TextContentAsync("header"), StringComparison.Ordinal);
        var cookie = (await context.CookiesAsync()).Single(c => c.Name == "vigil_session");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.Equal("/review", cookie.Path);
        // The page's script cannot read the cookie.
        Assert.DoesNotContain("vigil_session", await page.EvaluateAsync<string>("document.cookie"), StringComparison.Ordinal);

        await page.ClickAsync("text=Sign out");
        await ArriveAsync(page, "/review/login");
        await page.GotoAsync(BaseUrl + "/review/queue");
        Assert.Contains("/review/login", page.Url, StringComparison.Ordinal);
        Assert.Empty(errors);
    }
}

/// <summary>The break reminder in a real browser, due after a short stretch.</summary>
[Collection(BrowserCollection.Name)]
public class BreakReminderTests(SharedBrowser shared) : UiServer
{
    private static readonly TimeSpan BreakEvery = TimeSpan.FromSeconds(3);

    protected override ServerSettings Settings => base.Settings with { Review = new Vigil.Review.ReviewOptions { BreakInterval = BreakEvery } };

    [Fact]
    public async Task The_break_reminder_appears_holds_and_goes_when_acknowledged()
    {
        var (secret, _) = await KeyAsync(ApiKeyRole.Reviewer);
        await using var context = await shared.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await SignInAsync(page, secret);
        var overlay = page.Locator("#break-reminder");
        Assert.Equal(0, await overlay.CountAsync());

        // It comes by itself after BreakEvery of review, with no request from the page.
        await overlay.WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = 10_000 });
        // It holds: a reload (or any page) shows it again at once, and keys do nothing under it.
        await page.ReloadAsync();
        // At once: the page's script shows it before it marks itself ready (no timing to wait out).
        await page.WaitForSelectorAsync("body[data-ready]");
        Assert.True(await overlay.IsVisibleAsync());
        await page.Keyboard.PressAsync("r");
        Assert.True(await overlay.IsVisibleAsync());

        await page.ClickAsync("#break-done");
        await overlay.WaitForAsync(new() { State = WaitForSelectorState.Hidden });
        await page.ReloadAsync();
        await page.WaitForSelectorAsync("body[data-ready]");
        Assert.Equal(0, await overlay.CountAsync());
        // And it comes back after the next stretch.
        await overlay.WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = 10_000 });
    }

}
