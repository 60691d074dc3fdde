using System.Net;
using System.Text.Json;
using Vigil.Review;
using Vigil.Storage;

namespace Vigil.Server.Tests.Review;

/// <summary>
/// Four-eyes through the HTTP contract: one reviewer's <c>report</c> leaves the case open and back in the queue for somebody
/// else (its first reviewer cannot claim it again), and a second reviewer's <c>report</c> decides it.
/// </summary>
public sealed class FourEyesEndpointTests : LiveServerTest
{
    protected override ServerSettings Settings => base.Settings with { Review = new ReviewOptions { FourEyes = true } };

    [Fact]
    public async Task A_report_needs_a_second_different_reviewer()
    {
        string submitter = await KeyAsync(ApiKeyRole.Submitter), first = await KeyAsync(ApiKeyRole.Reviewer), second = await KeyAsync(ApiKeyRole.Reviewer);
        var opened = await JsonAsync(await SendAsync(HttpMethod.Post, "/v1/cases", submitter, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["subject"] = "user-four-eyes",
            ["signals"] = new Dictionary<string, string> { ["pdq"] = BridgePdq },
        })));
        long caseId = opened.GetProperty("case_id").GetInt64(), itemId = opened.GetProperty("item_id").GetInt64();

        Assert.Equal(caseId, (await JsonAsync(await SendAsync(HttpMethod.Post, "/v1/cases/claim", first, "{}"))).GetProperty("id").GetInt64());
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, $"/v1/cases/{caseId}/items/{itemId}/decision", first,
            """{"verdict":"confirmed","classification":"A2"}""")).StatusCode);
        var vote = await JsonAsync(await SendAsync(HttpMethod.Post, $"/v1/cases/{caseId}/decision", first, """{"verdict":"report"}"""));
        Assert.Equal(("awaiting_second_reviewer", "open"), (vote.GetProperty("outcome").GetString(), vote.GetProperty("case").GetProperty("status").GetString()));
        // The vote gave the case back to the queue, where it waits for somebody else: its first reviewer can neither decide
        // it again nor claim it.
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, $"/v1/cases/{caseId}/decision", first, """{"verdict":"report"}"""),
            HttpStatusCode.Conflict, "case not leased to you");
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Post, "/v1/cases/claim", first, "{}")).StatusCode);

        Assert.Equal(caseId, (await JsonAsync(await SendAsync(HttpMethod.Post, "/v1/cases/claim", second, "{}"))).GetProperty("id").GetInt64());
        var decided = await JsonAsync(await SendAsync(HttpMethod.Post, $"/v1/cases/{caseId}/decision", second, """{"verdict":"report"}"""));
        Assert.Equal(("done", "decided", "report"), (decided.GetProperty("outcome").GetString(), decided.GetProperty("case").GetProperty("status").GetString(),
            decided.GetProperty("case").GetProperty("verdict").GetString()));
        var reports = (await JsonAsync(await SendAsync(HttpMethod.Get, $"/v1/cases/{caseId}", second))).GetProperty("decisions").EnumerateArray()
            .Where(d => d.GetProperty("verdict").GetString() == "report").Select(d => d.GetProperty("reviewer").GetString()).ToList();
        Assert.Equal(2, reports.Count);
        Assert.NotEqual(reports[0], reports[1]);
    }
}
