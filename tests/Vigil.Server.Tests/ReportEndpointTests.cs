using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Vigil.Reporting.Building;
using Vigil.Reporting.Client;
using Vigil.Reporting.Delivery;
using Vigil.Reporting.Fake;
using Vigil.Review.Evidence;
using Vigil.Storage;
using Vigil.Testing;

namespace Vigil.Server.Tests;

/// <summary>
/// The reports API with the real report worker filing against the fake CyberTipline: a case opened
/// through <c>POST /v1/cases</c> with a benign fixture photo and decided <c>report</c> through the API
/// is filed and shows finished; a permanent refusal shows failed with NCMEC's code and message, and
/// an admin's retry files it. Plus <c>/status</c> in JSON with the worker's view of the CyberTipline.
/// </summary>
public sealed class ReportEndpointTests : LiveServerTest
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _keys = new("vigil-vault-");
    private EvidenceVault? _vault;
    private FakeCyberTipline _fake = null!;

    private static string Bridge => Fixtures.ThreatExchange("pdq/data/bridge-mods/aaa-orig.jpg");

    protected override async Task BeforeServerStartsAsync() => _fake = await FakeCyberTipline.StartAsync();

    protected override async Task AfterServerStopsAsync()
    {
        await _fake.DisposeAsync();
        _keys.Dispose();
    }

    protected override ServerSettings Settings => base.Settings with
    {
        EvidenceVault = _vault ??= new EvidenceVault(KeyFileWrapper.Create(_keys.File("vault.key"))),
        Reporting = FakeReporting.To(_fake),
    };

    [Fact]
    public async Task A_decided_case_is_filed_a_refused_one_fails_with_NCMECs_message_and_an_admins_retry_files_it()
    {
        string submitter = await KeyAsync(ApiKeyRole.Submitter), reviewer = await KeyAsync(ApiKeyRole.Reviewer), admin = await KeyAsync(ApiKeyRole.Admin);
        byte[] photo = await File.ReadAllBytesAsync(Bridge);

        // Filed: the case, its report finished at NCMEC with the photo byte for byte.
        long first = await DecideReportAsync(submitter, reviewer, photo, "user-filed");
        var filed = await WaitForReportAsync(reviewer, first, "finished");
        long filedId = filed.GetProperty("report").GetProperty("id").GetInt64();
        var report = filed.GetProperty("report");
        Assert.Equal((first, 1, 1, 1), (report.GetProperty("case_id").GetInt64(), report.GetProperty("attempt").GetInt32(),
            report.GetProperty("files_total").GetInt32(), report.GetProperty("files_done").GetInt32()));
        long hotlineId = report.GetProperty("hotline_report_id").GetInt64();
        var atFake = Assert.Single(_fake.Reports);
        Assert.Equal((hotlineId, FakeReportState.Finished), (atFake.Id, atFake.State));
        Assert.Equal(photo, Assert.Single(atFake.Files).Bytes);
        var file = Assert.Single(filed.GetProperty("files").EnumerateArray());
        Assert.Equal(("described", file.GetProperty("md5").GetString()), (file.GetProperty("state").GetString(), file.GetProperty("hotline_md5").GetString()));
        Assert.Equal(["submit", "upload", "fileinfo", "finish", "case"],
            filed.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("step").GetString()));
        Assert.All(filed.GetProperty("events").EnumerateArray(), e => Assert.Equal("ok", e.GetProperty("outcome").GetString()));
        var byId = await JsonAsync(await SendAsync(HttpMethod.Get, $"/v1/reports/{filedId}", reviewer));
        Assert.Equal(filed.GetRawText(), byId.GetRawText());
        var listed = await JsonAsync(await SendAsync(HttpMethod.Get, "/v1/reports?state=finished", reviewer));
        Assert.Equal(filedId, Assert.Single(listed.GetProperty("reports").EnumerateArray()).GetProperty("id").GetInt64());
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("next").ValueKind);

        // Refused: NCMEC's permanent result code stops the report; its code and description are shown.
        _fake.Inject("submit", FakeFailure.Result(4100, "bad"));
        long second = await DecideReportAsync(submitter, reviewer, photo, "user-refused");
        var failed = (await WaitForReportAsync(reviewer, second, "failed")).GetProperty("report");
        long failedId = failed.GetProperty("id").GetInt64();
        Assert.Equal(4100, failed.GetProperty("last_code").GetInt32());
        Assert.Contains("bad", failed.GetProperty("last_error").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, failed.GetProperty("hotline_report_id").ValueKind);
        var failedList = await JsonAsync(await SendAsync(HttpMethod.Get, "/v1/reports?state=failed", admin));
        Assert.Equal(failedId, Assert.Single(failedList.GetProperty("reports").EnumerateArray()).GetProperty("id").GetInt64());
        var lastLine = (await JsonAsync(await SendAsync(HttpMethod.Get, $"/v1/reports/{failedId}", reviewer))).GetProperty("events").EnumerateArray().Last();
        Assert.Equal(("submit", "failed", 4100), (lastLine.GetProperty("step").GetString(), lastLine.GetProperty("outcome").GetString(), lastLine.GetProperty("code").GetInt32()));

        // Only admins retry; the retry is audited under the admin's key and the worker files the report.
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, $"/v1/reports/{failedId}/retry", reviewer, "{}"), HttpStatusCode.Forbidden, "role not allowed");
        // The worker saves "failed" and then lets go of the report: a retry in between is told 409, try again.
        var retried = await SendAsync(HttpMethod.Post, $"/v1/reports/{failedId}/retry", admin, "{}");
        for (var waited = System.Diagnostics.Stopwatch.StartNew(); retried.StatusCode == HttpStatusCode.Conflict && waited.Elapsed < TimeSpan.FromSeconds(10);)
        {
            await Task.Delay(50);
            retried = await SendAsync(HttpMethod.Post, $"/v1/reports/{failedId}/retry", admin, "{}");
        }
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        var retriedBody = await JsonAsync(retried);
        Assert.Equal("retried", retriedBody.GetProperty("outcome").GetString());
        Assert.Contains(retriedBody.GetProperty("report").GetProperty("state").GetString(), new[] { "queued", "submitting", "open", "finishing", "finished" });
        var refiled = await WaitForReportAsync(reviewer, second, "finished");
        Assert.Equal(2, _fake.Reports.Count(r => r.State == FakeReportState.Finished));
        string adminName = (await Store.FindApiKeyAsync(ApiKeySecrets.Hash(admin)))!.Name;
        Assert.Contains(refiled.GetProperty("events").EnumerateArray(),
            e => e.GetProperty("step").GetString() == "retry" && e.GetProperty("message").GetString() == $"retried by {adminName}");
        var audit = new List<AuditEntry>();
        await foreach (var entry in Store.ReadAuditAsync())
            audit.Add(entry);
        Assert.Single(audit, e => e.Action == "POST /v1/reports/{id}/retry" && e.Actor == adminName && (e.DetailJson ?? "").Contains("\"Retried\"", StringComparison.Ordinal));
        Assert.Contains(audit, e => e.Action == "POST /v1/reports/{id}/retry" && e.Actor != adminName && (e.DetailJson ?? "").Contains("403", StringComparison.Ordinal));

        // A finished report is not retried; a case's report is found by the case.
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, $"/v1/reports/{failedId}/retry", admin, "{}"), HttpStatusCode.Conflict, "report not failed");
        var byCase = await JsonAsync(await SendAsync(HttpMethod.Get, $"/v1/cases/{second}/report", reviewer));
        Assert.Equal(failedId, byCase.GetProperty("report").GetProperty("id").GetInt64());

        // The worker's view of the CyberTipline on /status, without the credentials.
        var status = await StatusAsync("application/json");
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.Equal("application/json", status.Content.Headers.ContentType?.MediaType);
        string statusText = await status.Content.ReadAsStringAsync();
        Assert.DoesNotContain("vigil-dev", statusText, StringComparison.Ordinal);
        var json = JsonDocument.Parse(statusText).RootElement;
        Assert.Equal("I-AM-ALIVE", json.GetProperty("status").GetString());
        var reporting = json.GetProperty("reporting");
        Assert.Equal((_fake.BaseAddress.ToString(), "test", true, 2), (reporting.GetProperty("endpoint").GetString(),
            reporting.GetProperty("environment").GetString(), reporting.GetProperty("reachable").GetBoolean(), reporting.GetProperty("filed").GetInt32()));
        Assert.Equal(JsonValueKind.Null, reporting.GetProperty("paused_until").ValueKind);
        // NCMEC's status answer names the remote user: /status needs no key, so the user name is masked too.
        Assert.Equal("Remote user: ***", reporting.GetProperty("message").GetString());
        Assert.True(reporting.GetProperty("checked_at").GetDateTimeOffset() <= DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task A_case_posted_from_a_chat_is_reported_as_a_chat_incident_with_the_files_public_flag()
    {
        string submitter = await KeyAsync(ApiKeyRole.Submitter), reviewer = await KeyAsync(ApiKeyRole.Reviewer);
        long caseId = await DecideReportAsync(submitter, reviewer, await File.ReadAllBytesAsync(Bridge), "user-chat",
            ""","incident_kind":"chat","publicly_available":false""");

        var context = (await JsonAsync(await SendAsync(HttpMethod.Get, $"/v1/cases/{caseId}", reviewer))).GetProperty("items")[0].GetProperty("context");
        Assert.Equal(("chat", false), (context.GetProperty("incident_kind").GetString(), context.GetProperty("publicly_available").GetBoolean()));
        await WaitForReportAsync(reviewer, caseId, "finished");
        var atFake = Assert.Single(_fake.Reports);
        var report = System.Xml.Linq.XDocument.Parse(Encoding.UTF8.GetString(atFake.Document)).Root!;
        // The chat is the incident; the URL the platform gave is where the file was (locationOfFile), not a web page of the incident.
        Assert.Equal(["chatImIncident"], report.Elements("internetDetails").Select(d => d.Elements().Single().Name.LocalName));
        var file = System.Xml.Linq.XDocument.Parse(Encoding.UTF8.GetString(Assert.Single(atFake.FileDetails))).Root!;
        Assert.Equal(("false", "false", "https://photos.example.com/p/user-chat"),
            (file.Element("publiclyAvailable")!.Value, file.Element("exifViewedByEsp")!.Value, file.Element("locationOfFile")!.Value));
    }

    [Fact]
    public async Task Bad_ids_states_and_unknown_reports_are_problems()
    {
        string reviewer = await KeyAsync(ApiKeyRole.Reviewer), admin = await KeyAsync(ApiKeyRole.Admin), submitter = await KeyAsync(ApiKeyRole.Submitter);
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, "/v1/reports/abc", reviewer), HttpStatusCode.BadRequest, "invalid id");
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, "/v1/reports/-1", reviewer), HttpStatusCode.BadRequest, "invalid id");
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, "/v1/reports/99999999999999999999999", reviewer), HttpStatusCode.BadRequest, "invalid id");
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, "/v1/reports/x/retry", admin, "{}"), HttpStatusCode.BadRequest, "invalid id");
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, "/v1/cases/x/report", reviewer), HttpStatusCode.BadRequest, "invalid id");
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, "/v1/reports?state=lost", reviewer), HttpStatusCode.BadRequest, "invalid state");
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, "/v1/reports?after=-3", reviewer), HttpStatusCode.BadRequest, "invalid after");
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, "/v1/reports?limit=0", reviewer), HttpStatusCode.BadRequest, "invalid limit");
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, "/v1/reports/424242", reviewer), HttpStatusCode.NotFound, "report not found");
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, "/v1/reports/424242/retry", admin, "{}"), HttpStatusCode.NotFound, "report not found");
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, "/v1/cases/424242/report", reviewer), HttpStatusCode.NotFound, "case not found");
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, "/v1/reports", submitter), HttpStatusCode.Forbidden, "role not allowed");
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, "/v1/reports", null), HttpStatusCode.Unauthorized);

        // An open case has no report yet.
        var (caseId, _) = await SubmitPhotoAsync(submitter, await File.ReadAllBytesAsync(Bridge), "user-open");
        await AssertProblemAsync(await SendAsync(HttpMethod.Get, $"/v1/cases/{caseId}/report", reviewer), HttpStatusCode.NotFound, "no report");
        var empty = await JsonAsync(await SendAsync(HttpMethod.Get, "/v1/reports", reviewer));
        Assert.Equal(0, empty.GetProperty("reports").GetArrayLength());
    }

    [Fact]
    public async Task Status_stays_plain_text_unless_JSON_is_asked_for()
    {
        foreach (string? accept in new[] { null, "*/*", "text/plain", "text/html,application/xhtml+xml,*/*;q=0.8", "text/plain, application/json;q=0.5",
                     "application/json;q=0", "not a media type" })
        {
            using var response = await StatusAsync(accept);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(("text/plain", "I-AM-ALIVE"), (response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync()));
        }
        foreach (string accept in new[] { "application/json", "application/json, text/plain;q=0.5", "APPLICATION/JSON; charset=utf-8" })
        {
            using var response = await StatusAsync(accept);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("I-AM-ALIVE", (await JsonAsync(response)).GetProperty("status").GetString());
        }
        using var head = new HttpRequestMessage(HttpMethod.Head, "/status");
        head.Headers.Accept.ParseAdd("application/json");
        using var headResponse = await Http.SendAsync(head);
        Assert.Equal((HttpStatusCode.OK, ""), (headResponse.StatusCode, await headResponse.Content.ReadAsStringAsync()));
    }

    private async Task<HttpResponseMessage> StatusAsync(string? accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/status");
        if (accept is not null)
            request.Headers.TryAddWithoutValidation("Accept", accept);
        return await Http.SendAsync(request);
    }

    /// <summary>A platform submits the photo for a subject; a reviewer confirms it and decides the case <c>report</c>; returns the case id.</summary>
    private async Task<long> DecideReportAsync(string submitter, string reviewer, byte[] photo, string subject, string moreContext = "")
    {
        var (caseId, itemId) = await SubmitPhotoAsync(submitter, photo, subject, moreContext);
        var claimed = await JsonAsync(await SendAsync(HttpMethod.Post, "/v1/cases/claim", reviewer, "{}"));
        Assert.Equal(caseId, claimed.GetProperty("id").GetInt64());
        var item = await SendAsync(HttpMethod.Post, $"/v1/cases/{caseId}/items/{itemId}/decision", reviewer, """{"verdict":"confirmed","classification":"A1"}""");
        Assert.True(item.IsSuccessStatusCode, await item.Content.ReadAsStringAsync());
        var decided = await SendAsync(HttpMethod.Post, $"/v1/cases/{caseId}/decision", reviewer, """{"verdict":"report"}""");
        Assert.True(decided.IsSuccessStatusCode, await decided.Content.ReadAsStringAsync());
        return caseId;
    }

    /// <summary>Submits the photo with a context for <paramref name="subject"/>; <paramref name="moreContext"/> is more of its fields (<c>,"name":value</c>).</summary>
    private async Task<(long Case, long Item)> SubmitPhotoAsync(string key, byte[] photo, string subject, string moreContext = "")
    {
        var form = new MultipartFormDataContent("vigil-test-boundary");
        var file = new ByteArrayContent(photo);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "media", "holiday.jpg");
        form.Add(new StringContent($$"""{"subject":"{{subject}}","screen_name":"synthetic-user","ip":"203.0.113.9","uploaded_at":"2026-12-01T10:00:00Z","url":"https://photos.example.com/p/{{subject}}"{{moreContext}}}""",
            Encoding.UTF8, "application/json"), "context");
        var response = await SendContentAsync(HttpMethod.Post, "/v1/cases", key, form);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var body = await JsonAsync(response);
        return (body.GetProperty("case_id").GetInt64(), body.GetProperty("item_id").GetInt64());
    }

    /// <summary>Polls <c>GET /v1/cases/ID/report</c> until the case's report is in <paramref name="state"/> (bounded by <see cref="Deadline"/>).</summary>
    private async Task<JsonElement> WaitForReportAsync(string key, long caseId, string state)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string seen = "no report";
        while (clock.Elapsed < Deadline)
        {
            using var response = await SendAsync(HttpMethod.Get, $"/v1/cases/{caseId}/report", key);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var json = await JsonAsync(response);
                seen = json.GetRawText();
                string now = json.GetProperty("report").GetProperty("state").GetString()!;
                if (now == state)
                    return json;
                // A report at rest in another state will not move on its own.
                Assert.False(now is "finished" or "failed" or "retracted", $"case {caseId}'s report rests {now}, not {state}: {seen}");
            }
            await Task.Delay(50);
        }
        Assert.Fail($"case {caseId}'s report did not become {state} within {Deadline.TotalSeconds} s; last seen: {seen}");
        return default;
    }
}
