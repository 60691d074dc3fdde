using System.Text;
using Vigil.Reporting.Delivery;
using Vigil.Reporting.Fake;
using Vigil.Reporting.Model;
using Vigil.Review.Actions;
using Vigil.Storage;

namespace Vigil.Reporting.Tests.Delivery;

/// <summary>The outbox against the fake CyberTipline: the whole flow from a reviewed case, transient and permanent failures,
/// refused credentials, NCMEC's window, and every answer lost after NCMEC acted.</summary>
public sealed class ReportDeliveryTests : IAsyncLifetime
{
    private OutboxHarness _h = null!;

    public async Task InitializeAsync() => _h = await OutboxHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private async Task<OutboxReport> RunAsync(ReportDelivery delivery, long caseId)
    {
        var (result, queued) = await _h.Store.Reports.QueueCaseAsync(caseId, _h.Clock.GetUtcNow());
        Assert.True(result is QueueReportResult.Queued or QueueReportResult.AlreadyQueued, result.ToString());
        var claim = await _h.Store.Reports.ClaimReportAsync(queued!.Id, _h.Clock.GetUtcNow(), delivery.Lease);
        Assert.NotNull(claim);
        return await delivery.RunAsync(claim);
    }

    [Fact]
    public async Task A_reviewed_case_is_filed_with_every_file_byte_for_byte_and_the_case_marked_reported()
    {
        long caseId = await _h.DecidedCaseAsync("user-flow");
        using var client = _h.Client();
        var report = await RunAsync(_h.Delivery(client), caseId);

        Assert.Equal(ReportState.Finished, report.State);
        var filed = Assert.Single(_h.Finished(caseId));
        Assert.Equal(filed.Id, report.HotlineReportId);
        Assert.Equal(OutboxHarness.Photos.Length, filed.Files.Count);
        for (int i = 0; i < OutboxHarness.Photos.Length; i++)
        {
            Assert.Equal(OutboxHarness.Photo(OutboxHarness.Photos[i]), filed.Files[i].Bytes);
            Assert.Equal(OutboxHarness.Photos[i], filed.Files[i].FileName);
        }
        // One fileDetails per file, each naming its file id, the reviewer's classification and the viewed flag.
        Assert.Equal(filed.Files.Count, filed.FileDetails.Count);
        for (int i = 0; i < filed.Files.Count; i++)
        {
            string details = Encoding.UTF8.GetString(filed.FileDetails[i]);
            Assert.Contains($"<fileId>{filed.Files[i].FileId}</fileId>", details, StringComparison.Ordinal);
            Assert.Contains("<industryClassification>A1</industryClassification>", details, StringComparison.Ordinal);
            Assert.Contains("<fileViewedByEsp>false</fileViewedByEsp>", details, StringComparison.Ordinal);
        }
        string document = Encoding.UTF8.GetString(filed.Document);
        Assert.Contains("<screenName>synthetic-user-flow</screenName>", document, StringComparison.Ordinal);
        Assert.Contains("Example Platform (synthetic)", document, StringComparison.Ordinal);

        var details2 = await _h.Store.Cases.GetCaseAsync(caseId);
        Assert.Equal(CaseStatus.Reported, details2!.Case.Status);
        Assert.Equal(filed.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), details2.Case.ReportId);
        // report_filed carries the preservation date: a year after the finish.
        var filedEvent = Assert.Single(_h.Events.Raised, e => e.Trigger == ActionTrigger.ReportFiled);
        Assert.Equal(report.FinishedAt!.Value.AddDays(365), filedEvent.PreserveUntil);

        var steps = (await _h.Store.Reports.ListReportEventsAsync(report.Id)).Select(e => e.Step).ToList();
        Assert.Equal(["submit", "upload", "fileinfo", "upload", "fileinfo", "upload", "fileinfo", "finish", "case"], steps);
        Assert.All(report.Files, f => Assert.Equal(ReportFileState.Described, f.State));
        var actions = new List<string>();
        await foreach (var entry in _h.Store.ReadAuditAsync())
            actions.Add(entry.Action);
        Assert.Contains("case.reported", actions);
    }

    [Fact]
    public async Task Server_errors_then_success_file_once_without_a_duplicate_file()
    {
        long caseId = await _h.DecidedCaseAsync("user-5xx", "aaa-orig.jpg", "blur-a-little.jpg");
        _h.Fake.Inject("upload", new FakeFailure(FakeFailureKind.ServerError), times: 2);
        _h.Fake.Inject("finish", new FakeFailure(FakeFailureKind.TooManyRequests));
        using var client = _h.Client(retries: 3);
        var report = await RunAsync(_h.Delivery(client), caseId);

        Assert.Equal(ReportState.Finished, report.State);
        var filed = Assert.Single(_h.Finished(caseId));
        Assert.Equal(2, filed.Files.Count);
        Assert.Equal(1, _h.Fake.RequestCount("submit"));
    }

    [Fact]
    public async Task An_outage_longer_than_the_clients_retries_backs_off_then_resumes_where_it_stopped()
    {
        long caseId = await _h.DecidedCaseAsync("user-outage", "aaa-orig.jpg", "blur-a-little.jpg");
        _h.Fake.Inject("upload", new FakeFailure(FakeFailureKind.Unavailable), times: 3);
        using var client = _h.Client(retries: 1);
        var delivery = _h.Delivery(client);

        var first = await RunAsync(delivery, caseId);
        Assert.Equal(ReportState.Open, first.State);
        Assert.Equal(1, first.Tries);
        Assert.True(first.NextAttemptAt > _h.Clock.GetUtcNow(), "the report waits before its next try");
        Assert.Contains("503", first.LastError, StringComparison.Ordinal);
        // Not due yet: the worker finds nothing to do.
        Assert.Null(await _h.Store.Reports.ClaimNextReportAsync(_h.Clock.GetUtcNow(), delivery.Lease));

        _h.Clock.Advance(TimeSpan.FromMinutes(2));
        var claim = await _h.Store.Reports.ClaimNextReportAsync(_h.Clock.GetUtcNow(), delivery.Lease);
        var second = await delivery.RunAsync(claim!);
        Assert.Equal(ReportState.Finished, second.State);
        Assert.Equal(1, second.Attempt);
        Assert.Single(_h.Finished(caseId));
        Assert.Equal(1, _h.Fake.RequestCount("submit"));
        var retries = (await _h.Store.Reports.ListReportEventsAsync(second.Id)).Where(e => e.Outcome == ReportOutcome.Retry).ToList();
        Assert.Single(retries);
        Assert.Equal("upload", retries[0].Step);
    }

    [Fact]
    public async Task A_refused_document_stops_the_report_with_NCMECs_words_raises_report_failed_and_can_be_retried()
    {
        long caseId = await _h.DecidedCaseAsync("user-refused", "aaa-orig.jpg");
        _h.Fake.Inject("submit", FakeFailure.Result(ResponseCodes.ValidationFailed, "Validation failed: incidentSummary is wrong (synthetic)"));
        using var client = _h.Client();
        var delivery = _h.Delivery(client);

        var failed = await RunAsync(delivery, caseId);
        Assert.Equal(ReportState.Failed, failed.State);
        Assert.Equal(ResponseCodes.ValidationFailed, failed.LastCode);
        Assert.Contains("incidentSummary is wrong (synthetic)", failed.LastError, StringComparison.Ordinal);
        Assert.Equal(1, _h.Fake.RequestCount("submit"));
        var alert = Assert.Single(_h.Events.Raised, e => e.Trigger == ActionTrigger.ReportFailed);
        Assert.Equal(caseId, alert.CaseId);
        Assert.Contains("4100", alert.Error, StringComparison.Ordinal);
        // Failed reports are not due: no retry storm.
        _h.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Null(await _h.Store.Reports.ClaimNextReportAsync(_h.Clock.GetUtcNow(), delivery.Lease));

        var claim = await _h.Store.Reports.ClaimReportAsync(failed.Id, _h.Clock.GetUtcNow(), delivery.Lease);
        var retried = await _h.Store.Reports.SaveReportAsync(claim!, claim!.Report with { State = ReportState.Queued, Tries = 0, NextAttemptAt = _h.Clock.GetUtcNow() },
            new ReportEvent(_h.Clock.GetUtcNow(), 1, "retry", ReportOutcome.Note, "retried by a test"), _h.Clock.GetUtcNow(), delivery.Lease);
        var done = await delivery.RunAsync(retried!);
        Assert.Equal(ReportState.Finished, done.State);
        Assert.Single(_h.Finished(caseId));
    }

    [Fact]
    public async Task Credentials_refused_at_start_up_pause_the_worker_before_it_takes_a_report()
    {
        await _h.DecidedCaseAsync("user-creds-0", "aaa-orig.jpg");
        using var client = _h.Client(password: "not-the-password");
        var worker = _h.Worker(client);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var run = worker.RunAsync(stop.Token);
        while (worker.Status.Current.PausedUntil is null)
        {
            Assert.False(run.IsCompleted, "the worker stopped");
            await Task.Delay(20, stop.Token);
        }
        await Task.Delay(200);
        stop.Cancel();
        await run;

        var status = worker.Status.Current;
        Assert.False(status.Reachable);
        Assert.Contains("refused the credentials (2000: Authentication required)", status.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", status.Message, StringComparison.Ordinal);
        Assert.Equal(0, _h.Fake.RequestCount("submit"));
        Assert.Equal(1, _h.Fake.RequestCount("status"));
    }

    [Fact]
    public async Task Credentials_refused_mid_run_fail_that_report_and_pause_the_worker()
    {
        await _h.DecidedCaseAsync("user-creds-1", "aaa-orig.jpg");
        await _h.DecidedCaseAsync("user-creds-2", "blur-a-little.jpg");
        // The status check passes; then NCMEC refuses the first submit's credentials.
        _h.Fake.Inject("submit", FakeFailure.Result(ResponseCodes.AuthenticationRequired, "Authentication required (synthetic)"));
        using var client = _h.Client();
        var worker = new ReportWorker(_h.Store, _h.Delivery(client), client,
            new ReportWorkerOptions { PollInterval = TimeSpan.FromMilliseconds(20), Parallelism = 1 }, _h.Clock);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var run = worker.RunAsync(stop.Token);
        while (worker.Status.Current.PausedUntil is null)
        {
            Assert.False(run.IsCompleted, "the worker stopped");
            await Task.Delay(20, stop.Token);
        }
        await Task.Delay(200);
        stop.Cancel();
        await run;

        var reports = await _h.Store.Reports.ListReportsAsync(null, 0, 10);
        var failed = Assert.Single(reports, r => r.State == ReportState.Failed);
        Assert.Equal(ResponseCodes.AuthenticationRequired, failed.LastCode);
        Assert.Contains("credentials", failed.LastError, StringComparison.Ordinal);
        Assert.Single(reports, r => r.State == ReportState.Queued);
        Assert.Equal(1, _h.Fake.RequestCount("submit"));
        Assert.Single(_h.Events.Raised, e => e.Trigger == ActionTrigger.ReportFailed);
    }

    [Fact]
    public async Task A_report_that_cannot_be_finished_within_NCMECs_window_is_retracted_and_started_again()
    {
        long caseId = await _h.DecidedCaseAsync("user-window", "aaa-orig.jpg", "blur-a-little.jpg");
        // The second upload fails past the client's retries, and the outage outlasts NCMEC's window.
        _h.Fake.Inject("upload", new FakeFailure(FakeFailureKind.ServerError), after: 1);
        using var client = _h.Client(retries: 0);
        var delivery = _h.Delivery(client);
        var first = await RunAsync(delivery, caseId);
        Assert.Equal(ReportState.Open, first.State);
        long firstId = first.HotlineReportId!.Value;

        _h.Clock.Advance(TimeSpan.FromHours(25));
        var claim = await _h.Store.Reports.ClaimNextReportAsync(_h.Clock.GetUtcNow(), delivery.Lease);
        var done = await delivery.RunAsync(claim!);

        Assert.Equal(ReportState.Finished, done.State);
        Assert.Equal(2, done.Attempt);
        Assert.NotEqual(firstId, done.HotlineReportId);
        var filed = Assert.Single(_h.Finished(caseId));
        Assert.Equal(2, filed.Files.Count);
        Assert.Contains(_h.Fake.Reports, r => r.Id == firstId && r.State is FakeReportState.Expired or FakeReportState.Retracted);
        var restart = Assert.Single(await _h.Store.Reports.ListReportEventsAsync(done.Id), e => e.Step == "restart");
        Assert.Contains("window", restart.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_MD5_from_NCMEC_retracts_and_starts_again()
    {
        long caseId = await _h.DecidedCaseAsync("user-md5", "aaa-orig.jpg");
        _h.Fake.Inject("upload", new FakeFailure(FakeFailureKind.WrongMd5));
        using var client = _h.Client();
        var done = await RunAsync(_h.Delivery(client), caseId);
        Assert.Equal(ReportState.Finished, done.State);
        Assert.Equal(2, done.Attempt);
        Assert.Single(_h.Finished(caseId));
        Assert.Single(_h.Fake.Reports, r => r.State == FakeReportState.Retracted);
    }

    /// <summary>NCMEC acts on the request, the answer never comes, the process dies (here: the run is cancelled and its lease
    /// runs out), and another worker resumes: one finished report per case, each file once in it.</summary>
    [Theory]
    [InlineData("submit", 1)]
    [InlineData("upload", 2)]
    [InlineData("fileinfo", 1)]
    [InlineData("finish", 1)]
    public async Task An_answer_lost_after_NCMEC_acted_resumes_without_filing_twice(string operation, int nth)
    {
        long caseId = await _h.DecidedCaseAsync("user-lost-" + operation);
        _h.Fake.Inject(operation, new FakeFailure(FakeFailureKind.AnswerLost), after: nth - 1);
        using var client = _h.Client();
        var delivery = _h.Delivery(client);
        var (_, queued) = await _h.Store.Reports.QueueCaseAsync(caseId, _h.Clock.GetUtcNow());
        var claim = await _h.Store.Reports.ClaimReportAsync(queued!.Id, _h.Clock.GetUtcNow(), delivery.Lease);
        using var kill = new CancellationTokenSource();
        var run = delivery.RunAsync(claim!, kill.Token);
        await _h.Fake.WaitForHangAsync().WaitAsync(TimeSpan.FromSeconds(20));
        kill.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);

        _h.Clock.Advance(delivery.Lease + TimeSpan.FromSeconds(1));
        var resumed = await _h.Store.Reports.ClaimNextReportAsync(_h.Clock.GetUtcNow(), delivery.Lease);
        Assert.NotNull(resumed);
        var done = await delivery.RunAsync(resumed);

        Assert.Equal(ReportState.Finished, done.State);
        var filed = Assert.Single(_h.Finished(caseId));
        Assert.Equal(OutboxHarness.Photos.Length, filed.Files.Count);
        Assert.Equal(OutboxHarness.Photos.Length, filed.Files.Select(f => Convert.ToHexString(System.Security.Cryptography.MD5.HashData(f.Bytes))).Distinct().Count());
        Assert.Equal(CaseStatus.Reported, (await _h.Store.Cases.GetCaseAsync(caseId))!.Case.Status);
        Assert.Single(_h.Events.Raised, e => e.Trigger == ActionTrigger.ReportFiled);
    }
}
