using System.Xml.Linq;
using Vigil.Reporting.Fake;
using Vigil.Storage;

namespace Vigil.Review.Ui.Tests;

/// <summary>
/// The whole way from a platform's upload to NCMEC with a person in the middle: <c>POST /v1/cases</c>, a reviewer in a real
/// browser confirms the item A1 and decides the case <c>report</c> with the keyboard, and the server's own report worker files
/// it to the fake CyberTipline: one finished report (the fake checked every document against the XSD) whose file is the
/// submitted photo byte for byte, and the case marked reported with NCMEC's report id.
/// </summary>
[Collection(BrowserCollection.Name)]
public class ReportedInTheBrowserTests(SharedBrowser shared) : CyberTiplineReviewServer
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_case_confirmed_and_reported_in_the_browser_is_filed_with_the_submitted_bytes()
    {
        string submitter = (await KeyAsync(ApiKeyRole.Submitter)).Secret;
        var (reviewer, _) = await KeyAsync(ApiKeyRole.Reviewer);
        string photo = Photo("aaa-orig.jpg");
        var (caseId, itemId) = await SubmitAsync(submitter, photo, "user-3003", url: "https://photos.example.com/p/3003");
        Assert.NotNull(caseId);

        await using var context = await shared.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        await SignInAsync(page, reviewer);
        await ClaimFromQueueAsync(page, caseId!.Value, () => page.Keyboard.PressAsync("c"));
        await page.ClickAsync($"#item-{itemId} h2 a");
        await ArriveAsync(page, $"/review/cases/{caseId}/items/{itemId}");
        await page.Keyboard.PressAsync("1");
        await page.Keyboard.PressAsync("Enter");
        await ArriveAsync(page, $"/review/cases/{caseId}");
        await page.Keyboard.PressAsync("p");
        await page.Keyboard.PressAsync("Enter");
        await ArriveAsync(page, "/review/queue");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        ReviewCase reported;
        while (true)
        {
            var now = (await Store.Cases.GetCaseAsync(caseId.Value))!.Case;
            if (now.Status == CaseStatus.Reported)
            {
                reported = now;
                break;
            }
            var report = await Store.Reports.GetReportForCaseAsync(caseId.Value);
            Assert.True(clock.Elapsed < Deadline, $"case {caseId} is {now.Status} after {Deadline.TotalSeconds} s; its report: {report?.State} {report?.LastError}");
            await Task.Delay(50);
        }

        var filed = Assert.Single(Fake.Reports);
        Assert.Equal(FakeReportState.Finished, filed.State);
        Assert.Equal(filed.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), reported.ReportId);
        var file = Assert.Single(filed.Files);
        Assert.Equal(await File.ReadAllBytesAsync(photo), file.Bytes);
        var details = XDocument.Parse(System.Text.Encoding.UTF8.GetString(Assert.Single(filed.FileDetails)));
        // The reviewer saw only the blurred view here: the report must not claim the file was viewed.
        Assert.Equal("false", details.Descendants().Single(e => e.Name.LocalName == "fileViewedByEsp").Value);
        Assert.Contains("https://photos.example.com/p/3003", System.Text.Encoding.UTF8.GetString(filed.Document), StringComparison.Ordinal);
    }
}
