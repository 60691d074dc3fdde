using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Server.ReviewUi;
using Vigil.Storage;

namespace Vigil.Review.Ui.Tests;

/// <summary>The rules every page and form keeps: CSRF on every form, roles, 404 for guessed ids, encoding of what platforms send.</summary>
public class PageRuleTests : ReviewServer
{
    [Fact]
    public async Task Every_form_refuses_a_session_without_its_token()
    {
        var (reviewer, _) = await KeyAsync(ApiKeyRole.Admin);
        string submitter = (await KeyAsync(ApiKeyRole.Submitter)).Secret;
        var (caseId, itemId) = await SubmitAsync(submitter, Photo("aaa-orig.jpg"), "user-csrf");
        var (http, _) = Client();
        await SignInAsync(http, reviewer);
        var posts = Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/review", StringComparison.Ordinal) && e.RoutePattern.RawText != "/review/login")
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains("POST") == true)
            .Select(e => e.RoutePattern.RawText!.Replace("{id:long}", caseId.ToString()).Replace("{item:long}", itemId.ToString()))
            .ToList();
        Assert.True(posts.Count >= 8, string.Join(", ", posts));
        foreach (string path in posts)
        {
            using var form = await http.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string> { ["decision"] = "not_abuse" }));
            Assert.True(form.StatusCode == HttpStatusCode.Forbidden, $"{path}: {form.StatusCode}");
            Assert.Contains("CSRF token missing or wrong", await form.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            using var json = await http.PostAsync(path, new StringContent("""{"seconds":1}""", null, "application/json"));
            Assert.True(json.StatusCode == HttpStatusCode.Forbidden, $"{path} (JSON): {json.StatusCode}");
        }
        // Nothing happened: the case is unclaimed and undecided.
        var details = (await Store.Cases.GetCaseAsync(caseId!.Value))!;
        Assert.Null(details.Case.LeaseHolder);
        Assert.Empty(details.Decisions);
    }

    [Fact]
    public async Task Guessed_case_and_item_ids_are_404()
    {
        var (reviewer, _) = await KeyAsync(ApiKeyRole.Reviewer);
        string submitter = (await KeyAsync(ApiKeyRole.Submitter)).Secret;
        var (caseId, itemId) = await SubmitAsync(submitter, Photo("aaa-orig.jpg"), "user-404");
        var (http, _) = Client();
        string csrf = await SignInAsync(http, reviewer);
        foreach (string path in new[]
                 {
                     "/review/cases/999999", $"/review/cases/{caseId}/items/999999", "/review/cases/999999/items/1",
                     $"/review/cases/{caseId}/items/999999/media?view=clear", $"/review/cases/{caseId}/items/999999/media",
                 })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(path)).StatusCode);
            using var page = new HttpRequestMessage(HttpMethod.Get, path);
            page.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
            using var html = await http.SendAsync(page);
            Assert.Equal(HttpStatusCode.NotFound, html.StatusCode);
        }
        // An item of another case is not this case's item.
        var (otherCase, otherItem) = await SubmitAsync(submitter, Photo("aaa-orig.jpg"), "user-404-b");
        Assert.NotEqual(caseId, otherCase);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/review/cases/{caseId}/items/{otherItem}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/review/cases/{caseId}/items/{otherItem}/media")).StatusCode);

        await http.PostAsync("/review/claim", Form(csrf));
        foreach (string path in new[] { "/review/cases/999999/items/1/decision", "/review/cases/999999/decision", "/review/cases/999999/release" })
            Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsync(path, Form(csrf, ("decision", "skip")))).StatusCode);
        using var exposure = new HttpRequestMessage(HttpMethod.Post, $"/review/cases/{caseId}/items/999999/exposure") { Content = new StringContent("""{"seconds":1}""") };
        exposure.Headers.Add(ReviewSessions.CsrfHeader, csrf);
        Assert.Equal(HttpStatusCode.NotFound, (await http.SendAsync(exposure)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/review/cases/{caseId}/items/{itemId}/nothing")).StatusCode);
    }

    [Fact]
    public async Task Pages_answer_by_role()
    {
        string submitter = (await KeyAsync(ApiKeyRole.Submitter)).Secret;
        var (caseId, itemId) = await SubmitAsync(submitter, Photo("aaa-orig.jpg"), "user-roles");
        string[] pages = ["/review/queue", $"/review/cases/{caseId}", $"/review/cases/{caseId}/items/{itemId}", "/review/settings"];
        var (http, _) = Client();
        foreach (var role in new[] { ApiKeyRole.Matcher, ApiKeyRole.Curator, ApiKeyRole.Device, ApiKeyRole.Submitter })
        {
            string key = (await KeyAsync(role)).Secret;
            foreach (string path in pages.Append("/review/wellness"))
                Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(http, path, key)).StatusCode);
        }
        string reviewer = (await KeyAsync(ApiKeyRole.Reviewer)).Secret, admin = (await KeyAsync(ApiKeyRole.Admin)).Secret;
        foreach (string path in pages)
        {
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(http, path, reviewer)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(http, path, admin)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(path)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(http, "/review/wellness", reviewer)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(http, "/review/wellness", admin)).StatusCode);
    }

    [Fact]
    public async Task What_platforms_send_is_encoded_in_pages()
    {
        string submitter = (await KeyAsync(ApiKeyRole.Submitter)).Secret;
        const string hostile = "<img src=x onerror=alert(1)>\"'&";
        var (caseId, itemId) = await SubmitAsync(submitter, Photo("aaa-orig.jpg"), hostile);
        string reviewer = (await KeyAsync(ApiKeyRole.Reviewer)).Secret;
        var (http, _) = Client();
        foreach (string path in new[] { "/review/queue", $"/review/cases/{caseId}", $"/review/cases/{caseId}/items/{itemId}" })
        {
            string html = await (await GetAsync(http, path, reviewer)).Content.ReadAsStringAsync();
            Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
            Assert.Contains("&lt;img src=x onerror=alert(1)&gt;&quot;&#x27;&amp;", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_classified_items_scores_are_shown_against_their_thresholds_and_encoded()
    {
        const string hostile = "<b>model</b>";
        var opened = await Store.Cases.AddCaseItemAsync(new NewCaseItem
        {
            Subject = "user-classified",
            Source = "classifier",
            Reason = "classifier",
            Priority = CasePriority.Classifier,
            Signals = [new Vigil.Hashing.Signals.Signal(Vigil.Hashing.Signals.SignalType.Md5, "0123456789abcdef0123456789abcdef")],
            Scores = [new ItemScore(hostile, "2026.1", 0.9134, 0.8, null, [new ItemLabelScore("benign", 0.0866), new ItemLabelScore("flagged", 0.9134)]),
                      new ItemScore("vendor", "v2", 0.25, 0.5, "LOW", [new ItemLabelScore("flagged", 0.25)])],
        }, DateTimeOffset.UtcNow);
        string reviewer = (await KeyAsync(ApiKeyRole.Reviewer)).Secret;
        var (http, _) = Client();
        string html = await (await GetAsync(http, $"/review/cases/{opened.CaseId}", reviewer)).Content.ReadAsStringAsync();
        Assert.Contains("Classifier scores: a reason to look, not a finding", html, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;model&lt;/b&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>model</b>", html, StringComparison.Ordinal);
        Assert.Contains("0.913</td>", html, StringComparison.Ordinal);
        Assert.Contains("0.250 (LOW)", html, StringComparison.Ordinal);
        Assert.Contains("flagged 0.913", html, StringComparison.Ordinal);
        // One score past its threshold, one below.
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "past threshold"));
        Assert.Contains("No bank match: opened for classifier.", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_conversation_items_raising_messages_are_shown_as_text_and_encoded()
    {
        var sent = new DateTimeOffset(2026, 11, 30, 17, 5, 0, TimeSpan.Zero);
        var opened = await Store.Cases.AddCaseItemAsync(new NewCaseItem
        {
            Subject = "conversation:c-77",
            Source = "conversation",
            Reason = "conversation",
            Priority = CasePriority.Classifier,
            Signals = [],
            Messages = [new ItemMessage(4, "adult-9", "kid-3", sent, "this is our secret <script>alert(1)</script>", ["secrecy", "age_gap"])],
        }, DateTimeOffset.UtcNow);
        string reviewer = (await KeyAsync(ApiKeyRole.Reviewer)).Secret;
        var (http, _) = Client();
        string html = await (await GetAsync(http, $"/review/cases/{opened.CaseId}", reviewer)).Content.ReadAsStringAsync();
        Assert.Contains("Messages that raised the conversation's risk", html, StringComparison.Ordinal);
        Assert.Contains("this is our secret &lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert(1)", html, StringComparison.Ordinal);
        Assert.Contains("<td>5</td><td>2026-11-30 17:05 UTC</td><td>adult-9 &rarr; kid-3</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td>secrecy, age_gap</td>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Settings_stay_within_the_organisations_limits()
    {
        var (reviewer, _) = await KeyAsync(ApiKeyRole.Reviewer);
        var (http, _) = Client();
        string csrf = await SignInAsync(http, reviewer);
        using var tooLittle = await http.PostAsync("/review/settings", Form(csrf, ("blur", "1")));
        Assert.Equal(HttpStatusCode.Redirect, tooLittle.StatusCode);
        Assert.Contains("error=", tooLittle.Headers.Location!.ToString(), StringComparison.Ordinal);
        using var fine = await http.PostAsync("/review/settings", Form(csrf, ("blur", "20"), ("mute", "true")));
        Assert.Equal("/review/settings?saved=1", fine.Headers.Location!.ToString());
        string page = await (await http.GetAsync("/review/settings")).Content.ReadAsStringAsync();
        Assert.Contains("value=\"20\"", page, StringComparison.Ordinal);
        Assert.DoesNotMatch("name=\"greyscale\" value=\"true\" checked", page);
        Assert.Contains("name=\"mute\" value=\"true\" checked", page, StringComparison.Ordinal);
    }

    private static FormUrlEncodedContent Form(string csrf, params (string Name, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Name, f.Value)).Append(KeyValuePair.Create(ReviewSessions.CsrfField, csrf)));

    private static async Task<HttpResponseMessage> GetAsync(HttpClient http, string path, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await http.SendAsync(request);
    }
}
