using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Server.ReviewUi;
using Vigil.Storage;

namespace Vigil.Server.Tests.Review;

/// <summary>One-time sign-in links (vigil demo --review): a token opens one session for a reviewer key, once, and only while the key is valid.</summary>
public sealed class ReviewLoginLinkTests : LiveServerTest
{
    private async Task<string> ReviewerHashAsync(ApiKeyRole role = ApiKeyRole.Reviewer) => ApiKeySecrets.Hash(await KeyAsync(role));

    [Fact]
    public async Task A_link_signs_in_once_and_never_again()
    {
        var links = Services.GetRequiredService<ReviewLoginLinks>();
        string token = links.Issue(await ReviewerHashAsync(), TimeSpan.FromMinutes(10));
        var first = await Http.GetAsync($"/review/login/once?token={token}");
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal("/review", first.Headers.Location?.OriginalString);
        string cookie = Assert.Single(first.Headers.GetValues("Set-Cookie"), c => c.StartsWith(ReviewSessions.CookieName + "=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        using (var queue = new HttpRequestMessage(HttpMethod.Get, "/review"))
        {
            queue.Headers.Add("Cookie", cookie.Split(';')[0]);
            queue.Headers.Accept.ParseAdd("text/html");
            Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(queue)).StatusCode);
        }
        await AssertProblemAsync(await Http.GetAsync($"/review/login/once?token={token}"), HttpStatusCode.Gone, "sign-in link not valid");
        await AssertProblemAsync(await Http.GetAsync("/review/login/once?token=guessed"), HttpStatusCode.Gone);
        await AssertProblemAsync(await Http.GetAsync("/review/login/once"), HttpStatusCode.Gone);
    }

    [Fact]
    public async Task A_link_for_a_key_that_may_not_review_or_was_revoked_opens_nothing()
    {
        var links = Services.GetRequiredService<ReviewLoginLinks>();
        await AssertProblemAsync(await Http.GetAsync($"/review/login/once?token={links.Issue(await ReviewerHashAsync(ApiKeyRole.Matcher), TimeSpan.FromMinutes(1))}"),
            HttpStatusCode.Gone);
        string secret = ApiKeySecrets.Generate();
        await Store.CreateApiKeyAsync("soon-revoked", ApiKeyRole.Reviewer, ApiKeySecrets.Hash(secret));
        string token = links.Issue(ApiKeySecrets.Hash(secret), TimeSpan.FromMinutes(1));
        await Store.RevokeApiKeyAsync("soon-revoked");
        await AssertProblemAsync(await Http.GetAsync($"/review/login/once?token={token}"), HttpStatusCode.Gone);
        await AssertProblemAsync(await Http.GetAsync($"/review/login/once?token={links.Issue(await ReviewerHashAsync(), TimeSpan.Zero)}"), HttpStatusCode.Gone);
    }
}
