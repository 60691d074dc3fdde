using System.Net;
using System.Text.Json;
using Vigil.Review;
using Vigil.Storage;

namespace Vigil.Server.Tests.Review;

/// <summary>Review through the service: cases opened by submitters, the leased queue, decisions and what they feed.</summary>
public class ReviewEndpointTests : LiveServerTest
{
    // Within distance 31 of the bank's bridge hash (two bits away), and far from it.
    private const string NearBridge = "d8f8f0cee0f4a84f0e370222038f67f0b36e2ed596621e1d33e6b39c4e9c9b21";
    private const string Unrelated = "0000000000000000000000000000000000000000000000000000000000000000";

    protected override ServerSettings Settings => base.Settings with
    {
        Review = new ReviewOptions { ConfirmedBank = "CONFIRMED", FalsePositiveBank = "FALSE_POSITIVES" },
    };

    private Task<HttpResponseMessage> SubmitAsync(string key, string subject, string pdq, string? reason = null) =>
        SendAsync(HttpMethod.Post, "/v1/cases", key, JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["subject"] = subject,
            ["screen_name"] = "synthetic-user",
            ["uploaded_at"] = "2026-12-01T10:00:00Z",
            ["ip"] = "192.0.2.7",
            ["port"] = 44321,
            ["reason"] = reason,
            ["signals"] = new Dictionary<string, string> { ["pdq"] = pdq },
        }));

    private async Task<JsonElement> LookupAsync(string key, string pdq) =>
        await JsonAsync(await SendAsync(HttpMethod.Get, $"/m/lookup?signal_type=pdq&signal={pdq}", key));

    private async Task WaitForLookupAsync(string key, string pdq, Func<JsonElement, bool> done)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!done(await LookupAsync(key, pdq)))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "the index did not follow the decision");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task A_confirmed_match_feeds_the_confirmed_bank_and_the_next_copy_matches_it()
    {
        string submitter = await KeyAsync(ApiKeyRole.Submitter), reviewer = await KeyAsync(ApiKeyRole.Reviewer), matcher = await KeyAsync(ApiKeyRole.Matcher);
        var opened = await SubmitAsync(submitter, "user-1", NearBridge);
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        var body = await JsonAsync(opened);
        long caseId = body.GetProperty("case_id").GetInt64(), itemId = body.GetProperty("item_id").GetInt64();
        var match = Assert.Single(body.GetProperty("matches").EnumerateArray());
        Assert.Equal(("SAMPLES", BridgeId, 2), (match.GetProperty("bank").GetString(), match.GetProperty("content_id").GetInt64(), match.GetProperty("distance").GetInt32()));
        // A second item of the same subject joins the open case.
        var second = await JsonAsync(await SubmitAsync(submitter, "user-1", BridgePdq));
        Assert.Equal((caseId, false), (second.GetProperty("case_id").GetInt64(), second.GetProperty("new_case").GetBoolean()));

        // Submitters cannot read cases; deciding without the lease is 409.
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, $"/v1/cases/{caseId}", submitter), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, $"/v1/cases/{caseId}/items/{itemId}/decision", reviewer,
            """{"verdict":"confirmed","classification":"A1"}"""), HttpStatusCode.Conflict);

        var claimed = await JsonAsync(await SendAsync(HttpMethod.Post, "/v1/cases/claim", reviewer, "{}"));
        Assert.Equal(caseId, claimed.GetProperty("id").GetInt64());
        Assert.True(claimed.GetProperty("lease_expires_at").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(14));
        // Another reviewer finds nothing to claim: the one case is leased.
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Post, "/v1/cases/claim", await KeyAsync(ApiKeyRole.Reviewer), "{}")).StatusCode);

        await AssertProblemAsync(await SendAsync(HttpMethod.Post, $"/v1/cases/{caseId}/items/{itemId}/decision", reviewer, """{"verdict":"confirmed"}"""),
            HttpStatusCode.BadRequest, "classification required");
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, $"/v1/cases/{caseId}/decision", reviewer, """{"verdict":"report"}"""),
            HttpStatusCode.Conflict, "nothing confirmed");
        var decided = await SendAsync(HttpMethod.Post, $"/v1/cases/{caseId}/items/{itemId}/decision", reviewer, """{"verdict":"confirmed","classification":"A1"}""");
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);

        // The confirmed hash is in CONFIRMED with its provenance; the next lookup of it matches there.
        var bank = (await Store.GetBankAsync("CONFIRMED"))!;
        Assert.False(bank.IsNegative);
        await WaitForLookupAsync(matcher, NearBridge, json => json.TryGetProperty("CONFIRMED", out _));
        var entry = Assert.Single(await Store.LookupSignalAsync(new Vigil.Hashing.Signals.Signal(Vigil.Hashing.Signals.SignalType.Pdq, NearBridge)),
            m => m.BankName == "CONFIRMED");
        var content = (await Store.GetContentAsync(entry.ContentId))!;
        Assert.Equal((ReviewService.ProvenanceSource, $"case/{caseId}/item/{itemId}", "A1"), (content.Source, content.SourceId, content.Classification));

        var report = await JsonAsync(await SendAsync(HttpMethod.Post, $"/v1/cases/{caseId}/decision", reviewer, """{"verdict":"report"}"""));
        Assert.Equal(("done", "decided", "report"), (report.GetProperty("outcome").GetString(), report.GetProperty("case").GetProperty("status").GetString(),
            report.GetProperty("case").GetProperty("verdict").GetString()));
        var details = await JsonAsync(await SendAsync(HttpMethod.Get, $"/v1/cases/{caseId}", reviewer));
        Assert.Equal(["confirmed", "report"], details.GetProperty("decisions").EnumerateArray().Select(d => d.GetProperty("verdict").GetString()));
        var item = details.GetProperty("items")[0];
        Assert.Equal(("synthetic-user", "192.0.2.7", 44321), (item.GetProperty("context").GetProperty("screen_name").GetString(),
            item.GetProperty("context").GetProperty("ip").GetString(), item.GetProperty("context").GetProperty("port").GetInt32()));
        Assert.Equal("A1", item.GetProperty("classification").GetString());
        Assert.Single((await JsonAsync(await SendAsync(HttpMethod.Get, "/v1/cases?status=decided", reviewer))).EnumerateArray());
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, $"/v1/cases/{caseId}/decision", reviewer, """{"verdict":"no_report"}"""), HttpStatusCode.Conflict);

        // Every claim and decision is in the audit chain, by the reviewer's key name.
        var audit = new List<AuditEntry>();
        await foreach (var e in Store.ReadAuditAsync())
            audit.Add(e);
        Assert.Contains(audit, e => e.Action == "case.claim" && e.Subject == $"case/{caseId}");
        Assert.Contains(audit, e => e.Action == "case.item.decide" && e.DetailJson!.Contains("\"A1\"") && e.DetailJson.Contains("CONFIRMED"));
        Assert.Contains(audit, e => e.Action == "case.decide" && e.DetailJson!.Contains("report"));
    }

    [Fact]
    public async Task Not_abuse_suppresses_the_same_false_positive_next_time_and_counts_it_against_the_entry()
    {
        string submitter = await KeyAsync(ApiKeyRole.Submitter), reviewer = await KeyAsync(ApiKeyRole.Reviewer), matcher = await KeyAsync(ApiKeyRole.Matcher);
        var body = await JsonAsync(await SubmitAsync(submitter, "user-2", NearBridge));
        long caseId = body.GetProperty("case_id").GetInt64(), itemId = body.GetProperty("item_id").GetInt64();
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, "/v1/cases/claim", reviewer, "{}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, $"/v1/cases/{caseId}/items/{itemId}/decision", reviewer, """{"verdict":"not_abuse"}""")).StatusCode);
        Assert.True((await Store.GetBankAsync("FALSE_POSITIVES"))!.IsNegative);
        await WaitForLookupAsync(matcher, NearBridge, json => !json.TryGetProperty("SAMPLES", out _));
        // The next submission of the same hash matches nothing, so it opens no case.
        var again = await JsonAsync(await SubmitAsync(submitter, "user-3", NearBridge));
        Assert.Equal(JsonValueKind.Null, again.GetProperty("case_id").ValueKind);
        Assert.Empty(again.GetProperty("matches").EnumerateArray());
        long falsePositives = (long)(await ScalarAsync($"SELECT false_positives FROM bank_content WHERE id = {BridgeId}"))!;
        Assert.Equal(1, falsePositives);
        // Deciding it again does not count it twice.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, $"/v1/cases/{caseId}/items/{itemId}/decision", reviewer, """{"verdict":"not_abuse"}""")).StatusCode);
        Assert.Equal(1L, await ScalarAsync($"SELECT false_positives FROM bank_content WHERE id = {BridgeId}"));
    }

    [Fact]
    public async Task Unmatched_submissions_open_a_case_only_with_a_reason_and_the_queue_puts_matches_first()
    {
        string submitter = await KeyAsync(ApiKeyRole.Submitter), reviewer = await KeyAsync(ApiKeyRole.Reviewer);
        var nothing = await SubmitAsync(submitter, "quiet-user", Unrelated);
        Assert.Equal(HttpStatusCode.OK, nothing.StatusCode);
        Assert.Equal(JsonValueKind.Null, (await JsonAsync(nothing)).GetProperty("case_id").ValueKind);
        var reported = await JsonAsync(await SubmitAsync(submitter, "reported-user", Unrelated, "user_report"));
        var matched = await JsonAsync(await SubmitAsync(submitter, "matched-user", NearBridge));
        // The match was opened later but is claimed first.
        var first = await JsonAsync(await SendAsync(HttpMethod.Post, "/v1/cases/claim", reviewer, "{}"));
        Assert.Equal(matched.GetProperty("case_id").GetInt64(), first.GetProperty("id").GetInt64());
        Assert.Equal("known match", first.GetProperty("priority_name").GetString());
        // Claiming again renews the same lease; releasing gives it back.
        Assert.Equal(first.GetProperty("id").GetInt64(), (await JsonAsync(await SendAsync(HttpMethod.Post, "/v1/cases/claim", reviewer, "{}"))).GetProperty("id").GetInt64());
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, $"/v1/cases/{first.GetProperty("id").GetInt64()}/release", reviewer, "{}")).StatusCode);
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, $"/v1/cases/{first.GetProperty("id").GetInt64()}/release", reviewer, "{}"), HttpStatusCode.Conflict);
        var cases = await JsonAsync(await SendAsync(HttpMethod.Get, "/v1/cases?status=open", reviewer));
        Assert.Equal([reported.GetProperty("case_id").GetInt64(), matched.GetProperty("case_id").GetInt64()], cases.EnumerateArray().Select(c => c.GetProperty("id").GetInt64()));
        Assert.Equal(CasePriority.Lowest, cases[0].GetProperty("priority").GetInt32());
    }

    [Fact]
    public async Task Bad_input_is_a_4xx_problem_and_guessed_ids_are_404()
    {
        string submitter = await KeyAsync(ApiKeyRole.Submitter), reviewer = await KeyAsync(ApiKeyRole.Reviewer);
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, "/v1/cases", submitter, """{"signals":{"pdq":"00"}}"""), HttpStatusCode.BadRequest, "subject required");
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, "/v1/cases", submitter, """{"subject":"u"}"""), HttpStatusCode.BadRequest, "media or signals required");
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, "/v1/cases", submitter, """{"subject":"u","signals":{"pdq":"xyz"}}"""), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, "/v1/cases", submitter, """{"subject":"u","signals":{"nope":"1"}}"""), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, "/v1/cases", submitter, """{"subject":"u","bogus":1}"""), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, "/v1/cases", submitter, """{"subject":"u","port":70000,"signals":{"pdq":"00"}}"""), HttpStatusCode.BadRequest);
        var kind = await SendAsync(HttpMethod.Post, "/v1/cases", submitter, """{"subject":"u","incident_kind":"carrier_pigeon","signals":{"pdq":"00"}}""");
        string kindBody = await kind.Content.ReadAsStringAsync();
        await AssertProblemAsync(kind, HttpStatusCode.BadRequest, "invalid incident_kind");
        Assert.Contains("context.incident_kind 'carrier_pigeon' is not one of web_page, email, newsgroup, chat,", kindBody);
        var flag = await SendAsync(HttpMethod.Post, "/v1/cases", submitter, """{"subject":"u","publicly_available":"yes","signals":{"pdq":"00"}}""");
        string flagBody = await flag.Content.ReadAsStringAsync();
        await AssertProblemAsync(flag, HttpStatusCode.BadRequest);
        Assert.Contains("publicly_available", flagBody);
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, "/v1/cases/424242", reviewer), HttpStatusCode.NotFound);
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, "/v1/cases/424242/decision", reviewer, """{"verdict":"report"}"""), HttpStatusCode.NotFound);
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, "/v1/cases/424242/items/1/decision", reviewer, """{"verdict":"skip"}"""), HttpStatusCode.NotFound);
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, "/v1/cases/1/decision", reviewer, """{"verdict":"maybe"}"""), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, "/v1/cases/1/items/1/media?view=raw", reviewer), HttpStatusCode.BadRequest);
        var opened = await JsonAsync(await SubmitAsync(submitter, "user-9", NearBridge));
        long caseId = opened.GetProperty("case_id").GetInt64();
        await SendAsync(HttpMethod.Post, "/v1/cases/claim", reviewer, "{}");
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, $"/v1/cases/{caseId}/items/999999/decision", reviewer, """{"verdict":"skip"}"""), HttpStatusCode.NotFound);
        // An item of hashes only has no media to show.
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, $"/v1/cases/{caseId}/items/{opened.GetProperty("item_id").GetInt64()}/media", reviewer),
            HttpStatusCode.NotFound, "no media");
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
