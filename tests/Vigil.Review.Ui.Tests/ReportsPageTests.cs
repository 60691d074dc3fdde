using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Vigil.Reporting.Building;
using Vigil.Reporting.Client;
using Vigil.Reporting.Delivery;
using Vigil.Reporting.Fake;
using Vigil.Server;
using Vigil.Server.ReviewUi;
using Vigil.Storage;

namespace Vigil.Review.Ui.Tests;

/// <summary>
/// The reports page with the real report worker filing against the fake CyberTipline: NCMEC refuses
/// the first submit, the failed report shows NCMEC's code and message, an admin retries it from its
/// page and the page then shows it finished; a reviewer reads the same pages without a Retry button
/// and is refused the retry itself.
/// </summary>
[Collection(BrowserCollection.Name)]
public class ReportsPageTests(SharedBrowser shared) : CyberTiplineReviewServer
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    // Refused for good: NCMEC's "validation failed" with its description, as a bad document would be.
    protected override void Prepare(FakeCyberTipline fake) => fake.Inject("submit", FakeFailure.Result(4100, "bad <document> & more"));

    [Fact]
    public async Task An_admin_sees_NCMECs_refusal_retries_the_report_and_the_page_shows_it_finished()
    {
        var (caseId, reportId) = await FailedReportAsync();
        var (admin, adminName) = await KeyAsync(ApiKeyRole.Admin);
        await using var context = await shared.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        page.Console += (_, message) => { if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal)) errors.Add(message.Text); };
        await SignInAsync(page, admin);

        // The list: reached from the header, the failed report with its case, state and NCMEC's message (as text, not markup).
        await page.ClickAsync("nav >> text=Reports");
        await ArriveAsync(page, "/review/reports");
        var row = page.Locator($"tr[data-report='{reportId}']");
        Assert.Equal("failed", await row.Locator(".badge").TextContentAsync());
        string rowText = (await row.TextContentAsync())!;
        Assert.Contains($"Case {caseId}", rowText, StringComparison.Ordinal);
        Assert.Contains("4100", rowText, StringComparison.Ordinal);
        Assert.Contains("bad <document> & more", rowText, StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("tr[data-report] document").CountAsync());
        Assert.Equal($"/review/cases/{caseId}", await row.Locator("a", new() { HasTextString = $"Case {caseId}" }).GetAttributeAsync("href"));
        string worker = (await page.TextContentAsync("section.worker"))!;
        Assert.Contains("answers", worker, StringComparison.Ordinal);
        // NCMEC's status answer names the remote user; the page does not repeat the credentials.
        Assert.DoesNotContain("vigil-dev", worker, StringComparison.Ordinal);
        Assert.Contains("Remote user: ***", worker, StringComparison.Ordinal);
        await page.ClickAsync("a.button:has-text('failed')");
        await ArriveAsync(page, "state=failed");
        Assert.Equal(1, await page.Locator("tr[data-report]").CountAsync());
        await Screenshots.SaveAsync(page, "review-reports");

        // The report's page: its history with NCMEC's code and message, and the Retry button, reached by keyboard.
        await row.Locator($"a:text-is('Report {reportId}')").ClickAsync();
        await ArriveAsync(page, $"/review/reports/{reportId}");
        var failedLine = page.Locator("table.report-history tr.outcome-failed");
        Assert.Equal(1, await failedLine.CountAsync());
        string lineText = (await failedLine.TextContentAsync())!;
        Assert.Contains("submit", lineText, StringComparison.Ordinal);
        Assert.Contains("4100", lineText, StringComparison.Ordinal);
        Assert.Contains("bad <document> & more", lineText, StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("img, video").CountAsync());
        var retry = page.Locator("form.retry button:text-is('Retry')");
        await retry.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await ArriveAsync(page, $"/review/reports/{reportId}?note=retried");
        // Unless the worker was quicker than the redirect, the page says the report is back at work.
        if (await page.Locator("section.summary .badge").First.TextContentAsync() != "finished")
            Assert.Contains("Sent back to work", await page.TextContentAsync("[role=status]"), StringComparison.Ordinal);

        // The worker files it; the page, reloaded, shows it finished with NCMEC's id, and the case page shows the state too.
        await WaitForStateAsync(page, "finished");
        Assert.Equal(0, await page.Locator("form.retry").CountAsync());
        Assert.DoesNotContain("Sent back to work", await page.ContentAsync(), StringComparison.Ordinal);
        var filed = Assert.Single(Fake.Reports, r => r.State == FakeReportState.Finished);
        Assert.Contains(filed.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), await page.TextContentAsync("section.summary"), StringComparison.Ordinal);
        Assert.Contains($"retried by {adminName}", await page.TextContentAsync("table.report-history"), StringComparison.Ordinal);
        Assert.Equal("1 of 1", (await page.Locator("dt:text-is('Files sent') + dd").TextContentAsync())!.Trim());
        await Screenshots.SaveAsync(page, "review-report");
        await page.GotoAsync($"{BaseUrl}/review/cases/{caseId}");
        Assert.Equal("finished", await page.Locator(".case-report .badge").TextContentAsync());
        Assert.Contains(await AuditAsync(), e => e.Action == "POST /review/reports/{id:long}/retry" && e.Actor == adminName && e.Subject == $"/review/reports/{reportId}/retry");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_reviewer_reads_reports_but_gets_no_retry_button_and_is_refused_the_retry()
    {
        var (caseId, reportId) = await FailedReportAsync();
        var (reviewer, _) = await KeyAsync(ApiKeyRole.Reviewer);
        await using var context = await shared.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await SignInAsync(page, reviewer);
        Assert.Equal(0, await page.Locator("nav >> text=Deliveries").CountAsync());
        await page.ClickAsync("nav >> text=Reports");
        await ArriveAsync(page, "/review/reports");
        await page.ClickAsync($"tr[data-report='{reportId}'] a:text-is('Report {reportId}')");
        await ArriveAsync(page, $"/review/reports/{reportId}");
        Assert.Equal("failed", await page.Locator("section.summary .badge").First.TextContentAsync());
        Assert.Contains("bad <document> & more", await page.TextContentAsync("p.last-error"), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("form.retry, button:text-is('Retry')").CountAsync());
        await page.GotoAsync($"{BaseUrl}/review/cases/{caseId}");
        Assert.Equal("failed", await page.Locator(".case-report .badge").TextContentAsync());

        // The form's POST, made with the reviewer's session and its CSRF token, is refused; the report stays failed.
        var (http, _) = Client();
        string csrf = await SignInAsync(http, reviewer);
        using var refused = await http.PostAsync($"/review/reports/{reportId}/retry",
            new FormUrlEncodedContent(new Dictionary<string, string> { [ReviewSessions.CsrfField] = csrf }));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(ReportState.Failed, (await Store.Reports.GetReportAsync(reportId))!.State);

        // An admin's post without the token is refused too; unknown and finished reports are told apart.
        var (admin, _) = await KeyAsync(ApiKeyRole.Admin);
        var (adminHttp, _) = Client();
        string adminCsrf = await SignInAsync(adminHttp, admin);
        using var noToken = await adminHttp.PostAsync($"/review/reports/{reportId}/retry", new FormUrlEncodedContent(new Dictionary<string, string>()));
        Assert.Equal(HttpStatusCode.Forbidden, noToken.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await adminHttp.PostAsync("/review/reports/999999/retry",
            new FormUrlEncodedContent(new Dictionary<string, string> { [ReviewSessions.CsrfField] = adminCsrf }))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await adminHttp.GetAsync("/review/reports?state=lost")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await adminHttp.GetAsync("/review/reports/999999")).StatusCode);
    }

    /// <summary>A case opened with the fixture photo and decided <c>report</c> through the API; waits until the worker has failed its report (NCMEC refuses the submit).</summary>
    private async Task<(long Case, long Report)> FailedReportAsync()
    {
        var (submitter, _) = await KeyAsync(ApiKeyRole.Submitter);
        var (reviewer, _) = await KeyAsync(ApiKeyRole.Reviewer);
        var (caseId, itemId) = await SubmitAsync(submitter, Photo("aaa-orig.jpg"), "user-reported", url: "https://photos.example.com/p/1");
        Assert.NotNull(caseId);
        var (http, _) = Client();
        Assert.Equal(caseId, (await ApiAsync(http, reviewer, "/v1/cases/claim", "{}")).GetProperty("id").GetInt64());
        await ApiAsync(http, reviewer, $"/v1/cases/{caseId}/items/{itemId}/decision", """{"verdict":"confirmed","classification":"A1"}""");
        await ApiAsync(http, reviewer, $"/v1/cases/{caseId}/decision", """{"verdict":"report"}""");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            if (await Store.Reports.GetReportForCaseAsync(caseId!.Value) is { State: ReportState.Failed } failed)
                return (caseId.Value, failed.Id);
            Assert.True(clock.Elapsed < Deadline, $"the report of case {caseId} did not fail within {Deadline.TotalSeconds} s");
            await Task.Delay(50);
        }
    }

    private static async Task<JsonElement> ApiAsync(HttpClient http, string key, string path, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Reloads the report's page until its state badge reads <paramref name="state"/> (bounded by <see cref="Deadline"/>).</summary>
    private static async Task WaitForStateAsync(IPage page, string state)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            string? now = await page.Locator("section.summary .badge").First.TextContentAsync();
            if (now == state)
                return;
            Assert.True(clock.Elapsed < Deadline, $"the report page still shows {now}, not {state}");
            await Task.Delay(100);
            await page.ReloadAsync();
        }
    }
}
