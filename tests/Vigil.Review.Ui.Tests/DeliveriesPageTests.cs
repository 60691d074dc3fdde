using System.Net;
using System.Net.Http.Headers;
using Microsoft.Playwright;
using Vigil.Storage;
using Vigil.Storage.Sqlite;

namespace Vigil.Review.Ui.Tests;

/// <summary>The webhook deliveries page: admins see each delivery's state and retry dead ones; reviewers do not see it.</summary>
[Collection(BrowserCollection.Name)]
public class DeliveriesPageTests(SharedBrowser shared) : ReviewServer
{
    private long _delivered, _dead, _pending;

    protected override async Task SeedAsync(SqliteVigilStore store)
    {
        await base.SeedAsync(store);
        // No rules are configured, so no dispatcher runs: the deliveries stay as the test leaves them.
        var now = DateTimeOffset.UtcNow;
        var ids = await store.AddActionDeliveriesAsync(
        [
            new NewActionDelivery("hold-upload", "https://platform.example/hooks/vigil", """{"trigger":"match","case_id":1}""", now, now.AddHours(24)),
            new NewActionDelivery("notify-trust-team", "https://platform.example/hooks/trust", """{"trigger":"decision","verdict":"confirmed"}""", now, now.AddHours(24)),
            new NewActionDelivery("hold-upload", "https://platform.example/hooks/vigil", """{"trigger":"match","case_id":2,"note":"<b>bold</b>"}""", now, now.AddHours(24)),
        ]);
        (_delivered, _dead, _pending) = (ids[0], ids[1], ids[2]);
        var claims = await store.ClaimDueActionDeliveriesAsync(now.AddSeconds(1), TimeSpan.FromMinutes(1), 10);
        Assert.True(await store.RecordActionAttemptAsync(claims.Single(c => c.Delivery.Id == _delivered),
            new ActionAttempt(ActionDeliveryStatus.Delivered, now, 204, null)));
        Assert.True(await store.RecordActionAttemptAsync(claims.Single(c => c.Delivery.Id == _dead),
            new ActionAttempt(ActionDeliveryStatus.Dead, now, 503, "the platform answered 503 for 24 hours")));
        Assert.True(await store.RecordActionAttemptAsync(claims.Single(c => c.Delivery.Id == _pending),
            new ActionAttempt(ActionDeliveryStatus.Pending, now, null, "connection refused", now.AddMinutes(5))));
    }

    [Fact]
    public async Task Admins_see_every_delivery_and_retry_a_dead_one()
    {
        var (admin, _) = await KeyAsync(ApiKeyRole.Admin);
        await using var context = await shared.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } });
        var page = await context.NewPageAsync();
        await SignInAsync(page, admin);
        await page.ClickAsync("nav >> text=Deliveries");
        await ArriveAsync(page, "/review/deliveries");
        Assert.Equal(3, await page.Locator("tr[data-delivery]").CountAsync());
        Assert.Contains("delivered", await page.TextContentAsync($"tr[data-delivery='{_delivered}']"), StringComparison.Ordinal);
        Assert.Contains("HTTP 503: the platform answered 503 for 24 hours", await page.TextContentAsync($"tr[data-delivery='{_dead}']"), StringComparison.Ordinal);
        Assert.Contains("connection refused", await page.TextContentAsync($"tr[data-delivery='{_pending}']"), StringComparison.Ordinal);
        // The event's JSON is shown as text, never as markup.
        Assert.Equal(0, await page.Locator("pre b").CountAsync());
        await Screenshots.SaveAsync(page, "review-deliveries");

        await page.ClickAsync("a.button:text-is('dead')");
        await ArriveAsync(page, "status=dead");
        Assert.Equal(1, await page.Locator("tr[data-delivery]").CountAsync());
        await page.ClickAsync($"tr[data-delivery='{_dead}'] button:text-is('Retry')");
        await ArriveAsync(page, "status=pending");
        Assert.Equal(2, await page.Locator("tr[data-delivery]").CountAsync());
        Assert.Equal(ActionDeliveryStatus.Pending, (await Store.GetActionDeliveryAsync(_dead))!.Status);
        Assert.Contains(await AuditAsync(), e => e.Action == "POST /review/deliveries/{id:long}/retry" && e.Subject == $"/review/deliveries/{_dead}/retry");
    }

    [Fact]
    public async Task Reviewers_do_not_see_deliveries_and_only_dead_ones_are_retried()
    {
        var (reviewer, _) = await KeyAsync(ApiKeyRole.Reviewer);
        var (http, _) = Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/review/deliveries");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", reviewer);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(request)).StatusCode);

        var (admin, _) = await KeyAsync(ApiKeyRole.Admin);
        string csrf = await SignInAsync(http, admin);
        var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["_csrf"] = csrf });
        using var notDead = await http.PostAsync($"/review/deliveries/{_delivered}/retry", form);
        Assert.Contains("error=", notDead.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsync("/review/deliveries/999999/retry",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["_csrf"] = csrf }))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/review/deliveries?status=lost")).StatusCode);
    }
}
