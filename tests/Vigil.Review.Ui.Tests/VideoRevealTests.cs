using Microsoft.Playwright;
using Vigil.Storage;
using Vigil.Testing;

namespace Vigil.Review.Ui.Tests;

/// <summary>A video item: first a blurred strip of frames; a reveal shows the clear video muted and paused, and takes it away again.</summary>
[Collection(BrowserCollection.Name)]
public class VideoRevealTests(SharedBrowser shared) : ReviewServer
{
    [Fact]
    public async Task A_video_is_a_blurred_strip_until_revealed_then_muted_and_paused()
    {
        string submitter = (await KeyAsync(ApiKeyRole.Submitter)).Secret;
        var (reviewer, _) = await KeyAsync(ApiKeyRole.Reviewer);
        // A benign fixture clip, reported by a user (it matches no bank).
        string clip = Fixtures.ThreatExchange("tmk/sample-videos/test-padded-dimensions.mp4");
        var (caseId, itemId) = await SubmitAsync(submitter, clip, "user-video", "video/mp4", "user_report");
        Assert.NotNull(caseId);

        await using var context = await shared.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await SignInAsync(page, reviewer);
        await page.GotoAsync($"{BaseUrl}/review/cases/{caseId}/items/{itemId}");
        Assert.Contains("No bank match: opened for user_report", await page.TextContentAsync("main"), StringComparison.Ordinal);
        Assert.Equal("video", await page.GetAttributeAsync("figure.media", "data-kind"));
        await page.WaitForFunctionAsync("() => { const i = document.querySelector('figure.media img.view'); return i.complete && i.naturalWidth > 0; }");
        Assert.Equal(0, await page.Locator("video").CountAsync());

        await page.HoverAsync("figure.media button.reveal");
        await page.ClickAsync("figure.media button.reveal");
        await page.WaitForSelectorAsync("figure.media.revealed video");
        Assert.True(await page.EvaluateAsync<bool>("() => { const v = document.querySelector('figure.media video'); return v.muted && v.paused && v.src.startsWith('blob:'); }"));
        Assert.True(await page.IsHiddenAsync("figure.media img.view"));

        await page.Mouse.MoveAsync(5, 5);
        await page.WaitForSelectorAsync("figure.media:not(.revealed)");
        Assert.Equal(0, await page.Locator("video").CountAsync());
        Assert.True(await page.IsVisibleAsync("figure.media img.view"));
    }
}
