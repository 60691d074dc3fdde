using System.Collections.Concurrent;
using Microsoft.Playwright;
using Vigil.Storage;

namespace Vigil.Review.Ui.Tests;

/// <summary>
/// A reviewer's day in a real browser: a platform submits a matched photo (a benign fixture), the
/// reviewer signs in, claims the case from the queue, reads the evidence, reveals the item once
/// (audited; the page fetched no clear media before), confirms A1 and reports; the next lookup of
/// the photo matches CONFIRMED. A not_abuse verdict suppresses the next match instead.
/// </summary>
[Collection(BrowserCollection.Name)]
public class WalkthroughTests(SharedBrowser shared) : ReviewServer
{
    [Fact]
    public async Task A_reviewer_confirms_a_submitted_match_and_the_next_lookup_finds_it_in_the_confirmed_bank()
    {
        string submitter = (await KeyAsync(ApiKeyRole.Submitter)).Secret, matcher = (await KeyAsync(ApiKeyRole.Matcher)).Secret;
        var (reviewer, reviewerName) = await KeyAsync(ApiKeyRole.Reviewer, "reviewer-ada");
        string photo = Photo("aaa-orig.jpg");
        var (caseId, itemId) = await SubmitAsync(submitter, photo, "user-1001");
        Assert.NotNull(caseId);
        Assert.DoesNotContain("CONFIRMED", await LookupAsync(matcher, photo));
        // Two more subjects' uploads (edited copies of the same benign photo) wait behind it.
        await SubmitAsync(submitter, Photo("blur-a-little.jpg"), "user-1002");
        await SubmitAsync(submitter, Photo("high-contrast.jpg"), "user-1003");

        await using var context = await shared.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        var requests = new ConcurrentQueue<string>();
        var clearBeforeReveal = new ConcurrentQueue<string>();
        bool revealed = false;
        page.Request += (_, request) =>
        {
            requests.Enqueue(request.Url);
            if (request.Url.Contains("view=clear", StringComparison.Ordinal) && !Volatile.Read(ref revealed))
                clearBeforeReveal.Enqueue(request.Url);
        };
        var errors = new ConcurrentQueue<string>();
        page.PageError += (_, error) => errors.Enqueue(error);
        page.Console += (_, message) => { if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal)) errors.Enqueue(message.Text); };

        await SignInAsync(page, reviewer);
        var row = page.Locator($"tr[data-case='{caseId}']");
        Assert.Contains("A1 match", await row.TextContentAsync(), StringComparison.Ordinal);
        Assert.Contains("user-1001", await row.TextContentAsync(), StringComparison.Ordinal);
        await Screenshots.SaveAsync(page, "review-queue");

        // c claims the next case: this one, the only one.
        await ClaimFromQueueAsync(page, caseId!.Value, () => page.Keyboard.PressAsync("c"));
        string evidence = (await page.TextContentAsync($"#item-{itemId} table.matches"))!;
        Assert.Contains("SAMPLES", evidence, StringComparison.Ordinal);
        Assert.Contains("fixture-exchange / bridge-1", evidence, StringComparison.Ordinal);
        Assert.Contains("0 (exact)", evidence, StringComparison.Ordinal);
        await WaitForImagesAsync(page);
        await Screenshots.SaveAsync(page, "review-case");

        await page.ClickAsync($"#item-{itemId} h2 a");
        await ArriveAsync(page, $"/review/cases/{caseId}/items/{itemId}");
        // The evidence comes before the media in the page, and the media is the blurred view.
        Assert.True(await page.EvaluateAsync<bool>("() => !!(document.querySelector('table.matches').compareDocumentPosition(document.querySelector('figure.media')) & Node.DOCUMENT_POSITION_FOLLOWING)"));
        await WaitForImagesAsync(page);
        Assert.EndsWith("view=blurred", await page.GetAttributeAsync("figure.media img.view", "src"), StringComparison.Ordinal);
        Assert.Empty(clearBeforeReveal);
        Assert.DoesNotContain(requests, r => r.Contains("view=clear", StringComparison.Ordinal));
        await Screenshots.SaveAsync(page, "review-item");

        Volatile.Write(ref revealed, true);
        await page.HoverAsync("figure.media button.reveal");
        await page.ClickAsync("figure.media button.reveal");
        await page.WaitForSelectorAsync("figure.media.revealed");
        Assert.StartsWith("blob:", await page.GetAttributeAsync("figure.media img.view", "src"), StringComparison.Ordinal);
        await page.Mouse.MoveAsync(5, 5);
        await page.WaitForSelectorAsync("figure.media:not(.revealed)");
        Assert.EndsWith("view=blurred", await page.GetAttributeAsync("figure.media img.view", "src"), StringComparison.Ordinal);
        Assert.Single(requests, r => r.Contains("view=clear", StringComparison.Ordinal));
        var audit = await AuditAsync();
        var view = Assert.Single(audit, e => e.Action == "case.media.view" && e.DetailJson!.Contains("\"clear\"", StringComparison.Ordinal));
        Assert.Equal((reviewerName, $"case/{caseId}/item/{itemId}"), (view.Actor, view.Subject));

        // 1 chooses "confirm A1", Enter decides; with no item left the case page follows.
        await page.Keyboard.PressAsync("1");
        Assert.True(await page.IsCheckedAsync("input[value='confirmed:A1']"));
        await page.Keyboard.PressAsync("Enter");
        await ArriveAsync(page, $"/review/cases/{caseId}");
        Assert.Contains("confirmed A1", await page.TextContentAsync($"#item-{itemId} h2"), StringComparison.Ordinal);
        var banks = await WaitForLookupAsync(matcher, photo, b => b.Contains("CONFIRMED"));
        Assert.Contains("SAMPLES", banks);

        await page.Keyboard.PressAsync("p");
        await page.Keyboard.PressAsync("Enter");
        await ArriveAsync(page, "/review/queue");
        var details = (await Store.Cases.GetCaseAsync(caseId!.Value))!;
        Assert.Equal((CaseStatus.Decided, CaseVerdict.Report, reviewerName), (details.Case.Status, details.Case.Verdict, details.Case.DecidedBy));
        Assert.True(details.Items.Single().ViewedClear);
        audit = await AuditAsync();
        Assert.Contains(audit, e => e.Actor == reviewerName && e.Action == "case.item.decide" && e.DetailJson!.Contains("\"A1\"", StringComparison.Ordinal));
        Assert.Contains(audit, e => e.Actor == reviewerName && e.Action == "case.decide");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Not_abuse_suppresses_the_next_match()
    {
        string submitter = (await KeyAsync(ApiKeyRole.Submitter)).Secret, matcher = (await KeyAsync(ApiKeyRole.Matcher)).Secret;
        var (reviewer, _) = await KeyAsync(ApiKeyRole.Reviewer);
        string photo = Photo("aaa-orig.jpg");
        var (caseId, itemId) = await SubmitAsync(submitter, photo, "user-2002");
        Assert.Contains("SAMPLES", await LookupAsync(matcher, photo));

        await using var context = await shared.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await SignInAsync(page, reviewer);
        await page.ClickAsync("button[data-key=c]");
        await ArriveAsync(page, $"/review/cases/{caseId}");
        await page.ClickAsync($"#item-{itemId} h2 a");
        await ArriveAsync(page, $"/items/{itemId}");
        await page.Keyboard.PressAsync("n");
        await page.Keyboard.PressAsync("Enter");
        await ArriveAsync(page, $"/review/cases/{caseId}");
        Assert.Contains("not_abuse", await page.TextContentAsync($"#item-{itemId} h2"), StringComparison.Ordinal);

        // The false positive's hashes are in the negative bank: the same photo matches nothing now, and opens no case.
        await WaitForLookupAsync(matcher, photo, b => !b.Contains("SAMPLES"));
        var (again, _) = await SubmitAsync(submitter, photo, "user-2003");
        Assert.Null(again);
    }

    private static Task WaitForImagesAsync(IPage page) =>
        page.WaitForFunctionAsync("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)");
}
