using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Server;
using Vigil.Server.ReviewUi;
using Vigil.Storage;

namespace Vigil.Review.Ui.Tests;

/// <summary>Sessions, CSRF and roles of the reviewer UI, over plain HTTP (what a browser sends, without one).</summary>
public class SessionTests : UiServer
{
    protected override ServerSettings Settings => base.Settings with { FailedKeyBurstPerAddress = 3, FailedKeysPerSecondPerAddress = 1 };

    [Fact]
    public async Task Login_sets_a_strict_http_only_cookie_that_is_not_the_key()
    {
        var (secret, _) = await KeyAsync(ApiKeyRole.Reviewer);
        var (http, _) = Client();
        string page = await (await http.GetAsync("/review/login")).Content.ReadAsStringAsync();
        using var response = await http.PostAsync("/review/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [ReviewSessions.CsrfField] = HiddenValue(page, ReviewSessions.CsrfField),
            ["key"] = secret,
            ["next"] = "/review/queue",
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/review/queue", response.Headers.Location?.ToString());
        string cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(ReviewSessions.CookieName + "=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/review", cookie, StringComparison.OrdinalIgnoreCase);
        // Plain http here; on https the cookie is Secure as well.
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);
        string value = cookie[(ReviewSessions.CookieName.Length + 1)..cookie.IndexOf(';')];
        Assert.Equal(43, value.Length);
        Assert.DoesNotContain(secret, cookie, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiKeySecrets.Hash(secret), cookie, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_in_again_replaces_the_session()
    {
        var (secret, _) = await KeyAsync(ApiKeyRole.Reviewer);
        var (http, cookies) = Client();
        await SignInAsync(http, secret);
        string first = cookies.GetCookies(new Uri(BaseUrl + "/review/"))[ReviewSessions.CookieName]!.Value;
        await SignInAsync(http, secret);
        string second = cookies.GetCookies(new Uri(BaseUrl + "/review/"))[ReviewSessions.CookieName]!.Value;
        Assert.NotEqual(first, second);
        Assert.Equal(1, Services.GetRequiredService<ReviewSessions>().Count);
    }

    [Fact]
    public async Task A_session_is_audited_under_the_key_name_like_the_key()
    {
        var (secret, name) = await KeyAsync(ApiKeyRole.Reviewer, "alice-reviewer");
        var (http, _) = Client();
        await SignInAsync(http, secret);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/review/queue")).StatusCode);
        var entries = await AuditAsync();
        Assert.Contains(entries, e => e.Actor == name && e.Action == "POST /review/login");
        Assert.Contains(entries, e => e.Actor == name && e.Action == "GET /review/queue");
    }

    [Fact]
    public async Task A_key_in_the_header_reaches_the_pages_without_a_session()
    {
        var (secret, _) = await KeyAsync(ApiKeyRole.Reviewer);
        var (http, _) = Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/review/queue");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("csrf-token", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unsafe_requests_with_a_session_need_the_csrf_token()
    {
        var (secret, name) = await KeyAsync(ApiKeyRole.Reviewer);
        var (http, _) = Client();
        string csrf = await SignInAsync(http, secret);

        using (var none = await http.PostAsync("/review/break", new StringContent("{}", null, "application/json")))
            Assert.Equal(HttpStatusCode.Forbidden, none.StatusCode);
        using (var wrong = await PostWithHeaderAsync(http, "/review/break", ReviewSessions.NewToken()))
            Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        using (var form = await http.PostAsync("/review/logout", new FormUrlEncodedContent(new Dictionary<string, string> { [ReviewSessions.CsrfField] = "x" })))
        {
            Assert.Equal(HttpStatusCode.Forbidden, form.StatusCode);
            Assert.Contains("CSRF token missing or wrong", await form.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var right = await PostWithHeaderAsync(http, "/review/break", csrf))
            Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        // The forged requests were refused and are on record, under the session's key.
        var entries = await AuditAsync();
        Assert.Equal(3, entries.Count(e => e.Actor == name && e.DetailJson == "{\"status\":403}"));
        // The session survived them all: logout with the form field works.
        using var logout = await http.PostAsync("/review/logout", new FormUrlEncodedContent(new Dictionary<string, string> { [ReviewSessions.CsrfField] = csrf }));
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/review/queue")).StatusCode);
    }

    [Fact]
    public async Task The_login_form_needs_its_own_token()
    {
        var (secret, _) = await KeyAsync(ApiKeyRole.Reviewer);
        var (http, _) = Client();
        using var response = await http.PostAsync("/review/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = secret }));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var set) ? set : [], c => c.StartsWith(ReviewSessions.CookieName + "=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Failed_logins_count_toward_the_failed_key_limit()
    {
        var (secret, _) = await KeyAsync(ApiKeyRole.Reviewer);
        var (http, _) = Client();
        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 4; i++)
            statuses.Add(await LoginStatusAsync(http, ApiKeySecrets.Generate()));
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, (HttpStatusCode)429], statuses);
        // Even the right key waits: the address is limited, with no store read for it.
        Assert.Equal((HttpStatusCode)429, await LoginStatusAsync(http, secret));
        // And a bad key in a header now meets the same limit.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/review/queue");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKeySecrets.Generate());
        Assert.Equal((HttpStatusCode)429, (await http.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task Only_reviewer_and_admin_keys_may_sign_in()
    {
        var (http, _) = Client();
        foreach (var role in new[] { ApiKeyRole.Matcher, ApiKeyRole.Curator, ApiKeyRole.Device })
            Assert.Equal(HttpStatusCode.Forbidden, await LoginStatusAsync(http, (await KeyAsync(role)).Secret));
        Assert.Equal(HttpStatusCode.Redirect, await LoginStatusAsync(http, (await KeyAsync(ApiKeyRole.Admin)).Secret));
    }

    [Fact]
    public async Task Pages_refuse_by_role_and_without_a_key()
    {
        var (http, _) = Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/review/queue")).StatusCode);
        var (matcher, _) = await KeyAsync(ApiKeyRole.Matcher);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/review/queue");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", matcher);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("role not allowed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_browser_without_a_session_is_sent_to_the_login_page_and_back()
    {
        var (http, _) = Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/review/queue?after=5");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/review/login?next=%2Freview%2Fqueue%3Fafter%3D5", response.Headers.Location?.ToString());
    }

    [Fact]
    public async Task A_revoked_key_ends_its_sessions()
    {
        var (secret, name) = await KeyAsync(ApiKeyRole.Reviewer);
        var (http, _) = Client();
        await SignInAsync(http, secret);
        Assert.True(await Store.RevokeApiKeyAsync(name));
        // The key's verdict is cached for KeyCacheTime (200 ms here), then the session goes with it.
        await Task.Delay(400);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/review/queue")).StatusCode);
        Assert.Equal(0, Services.GetRequiredService<ReviewSessions>().Count);
    }

    [Fact]
    public async Task Pages_carry_a_strict_policy_and_are_never_cached()
    {
        var (secret, _) = await KeyAsync(ApiKeyRole.Reviewer);
        var (http, _) = Client();
        await SignInAsync(http, secret);
        using var page = await http.GetAsync("/review/queue");
        Assert.Equal(ReviewPage.ContentSecurityPolicy, page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("no-store", page.Headers.CacheControl?.ToString());
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        string html = await page.Content.ReadAsStringAsync();
        Assert.DoesNotMatch("<script>|<script [^>]*>[^<]", html);
        Assert.DoesNotContain(" style=", html, StringComparison.Ordinal);
        // No inline event handlers either (onclick= and the like, inside a tag).
        Assert.DoesNotMatch("<[^>]*\\son[a-z]+\\s*=", System.Text.RegularExpressions.Regex.Replace(html, "\"[^\"]*\"", "\"\""));
        using var script = await http.GetAsync(ReviewPage.AssetUrl("review.js"));
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Contains("immutable", script.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/review/static/nothing.js")).StatusCode);
    }

    private async Task<HttpStatusCode> LoginStatusAsync(HttpClient http, string secret)
    {
        string page = await (await http.GetAsync("/review/login")).Content.ReadAsStringAsync();
        using var response = await http.PostAsync("/review/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [ReviewSessions.CsrfField] = HiddenValue(page, ReviewSessions.CsrfField),
            ["key"] = secret,
        }));
        return response.StatusCode;
    }

    private static Task<HttpResponseMessage> PostWithHeaderAsync(HttpClient http, string path, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent("{}", null, "application/json") };
        request.Headers.Add(ReviewSessions.CsrfHeader, token);
        return http.SendAsync(request);
    }
}
