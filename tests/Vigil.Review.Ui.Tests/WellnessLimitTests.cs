using Microsoft.Playwright;
using Vigil.Storage;

namespace Vigil.Review.Ui.Tests;

/// <summary>The daily cap (configured short: two reveals' worth) stops media and holds; the admin sees it in the summary.</summary>
[Collection(BrowserCollection.Name)]
public class DailyCapTests(SharedBrowser shared) : ReviewServer
{
    protected override ReviewOptions Review => base.Review with { RevealWindow = TimeSpan.FromSeconds(1), DailyExposureCap = TimeSpan.FromSeconds(2) };

    [Fact]
    public async Task After_the_cap_no_media_is_served_and_the_page_says_so()
    {
        string submitter = (await KeyAsync(ApiKeyRole.Submitter)).Secret;
        var (reviewer, name) = await KeyAsync(ApiKeyRole.Reviewer, "reviewer-cap");
        var (caseId, itemId) = await SubmitAsync(submitter, Photo("aaa-orig.jpg"), "user-cap");
        await using var context = await shared.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await SignInAsync(page, reviewer);
        string item = $"{BaseUrl}/review/cases/{caseId}/items/{itemId}";
        await page.GotoAsync(item);

        // Two reveals by keyboard, each ended by the reveal window (1 s here); each is charged the window.
        for (int i = 0; i < 2; i++)
        {
            await page.FocusAsync("figure.media button.reveal");
            await page.Keyboard.PressAsync("r");
            await page.WaitForSelectorAsync("figure.media.revealed");
            await page.WaitForSelectorAsync("figure.media:not(.revealed)", new() { Timeout = 5_000 });
        }
        // A third is refused by the server, and the page says why.
        await page.ClickAsync("figure.media button.reveal");
        await page.WaitForSelectorAsync("figure.media .media-note");
        Assert.Contains("limit", await page.TextContentAsync("figure.media .media-note"), StringComparison.Ordinal);

        // It holds: every page now shows the notice instead of media, and the blurred view is refused too.
        for (int i = 0; i < 2; i++)
        {
            await page.GotoAsync(item);
            Assert.Contains("today's limit", await page.TextContentAsync(".media.capped"), StringComparison.Ordinal);
            Assert.Equal(0, await page.Locator("figure.media img").CountAsync());
        }
        int status = await page.EvaluateAsync<int>($"() => fetch('/review/cases/{caseId}/items/{itemId}/media?view=blurred').then(r => r.status)");
        Assert.Equal(403, status);
        // Deciding from the evidence still works.
        // The claim button (the keyboard's "c" is the walkthrough's): a navigation Playwright waits for as a whole.
        await page.GotoAsync(BaseUrl + "/review/queue");
        await ClaimFromQueueAsync(page, caseId!.Value, () => page.ClickAsync("form.claim button"));
        Assert.Contains("today's limit", await page.TextContentAsync(".media.capped"), StringComparison.Ordinal);

        // The admin's summary shows the reviewer at the limit.
        var (admin, _) = await KeyAsync(ApiKeyRole.Admin);
        await using var adminContext = await shared.Browser.NewContextAsync();
        var adminPage = await adminContext.NewPageAsync();
        await SignInAsync(adminPage, admin);
        await adminPage.ClickAsync("text=Wellness");
        await ArriveAsync(adminPage, "/review/wellness");
        string row = (await adminPage.TextContentAsync($"tr:has-text('{name}')"))!;
        Assert.Contains("limit reached", row, StringComparison.Ordinal);
        Assert.Contains("2 s", row, StringComparison.Ordinal);
    }
}

/// <summary>The break reminder (configured short) covers a case page, holds across reloads, and clear media waits for it.</summary>
[Collection(BrowserCollection.Name)]
public class BreakHoldTests(SharedBrowser shared) : ReviewServer
{
    protected override ReviewOptions Review => base.Review with { BreakInterval = TimeSpan.FromSeconds(3) };

    [Fact]
    public async Task Under_the_reminder_keys_do_nothing_and_clear_media_is_refused()
    {
        string submitter = (await KeyAsync(ApiKeyRole.Submitter)).Secret;
        var (reviewer, _) = await KeyAsync(ApiKeyRole.Reviewer);
        var (caseId, itemId) = await SubmitAsync(submitter, Photo("aaa-orig.jpg"), "user-break");
        // Claimed through the API, not the queue's "c" key: the reminder is due 3 s after the first
        // page, and on a loaded machine it can already cover the queue page before a key press lands.
        var (api, _) = Client();
        using (var claim = new HttpRequestMessage(HttpMethod.Post, "/v1/cases/claim") { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") })
        {
            claim.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", reviewer);
            Assert.Equal(System.Net.HttpStatusCode.OK, (await api.SendAsync(claim)).StatusCode);
        }
        await using var context = await shared.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await SignInAsync(page, reviewer);
        await page.GotoAsync($"{BaseUrl}/review/cases/{caseId}/items/{itemId}");
        var overlay = page.Locator("#break-reminder");
        await overlay.WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = 10_000 });

        await page.ReloadAsync();
        // At once: the page's script shows it before it marks itself ready (no timing to wait out).
        await page.WaitForSelectorAsync("body[data-ready]");
        Assert.True(await overlay.IsVisibleAsync());
        await page.Keyboard.PressAsync("r");
        await page.Keyboard.PressAsync("1");
        Assert.False(await page.IsCheckedAsync("input[value='confirmed:A1']"));
        Assert.Equal(0, await page.Locator("figure.media.revealed").CountAsync());
        int status = await page.EvaluateAsync<int>($"() => fetch('/review/cases/{caseId}/items/{itemId}/media?view=clear').then(r => r.status)");
        Assert.Equal(403, status);

        await page.ClickAsync("#break-done");
        await overlay.WaitForAsync(new() { State = WaitForSelectorState.Hidden });
        await page.Keyboard.PressAsync("r");
        await page.WaitForSelectorAsync("figure.media.revealed");
    }
}
