using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Vigil.Reporting.Building;
using Vigil.Reporting.Client;
using Vigil.Reporting.Fake;
using Vigil.Reporting.Model;
using Vigil.Reporting.Xml;
using Vigil.Testing;

namespace Vigil.Reporting.Tests;

/// <summary>The client against the fake CyberTipline on 127.0.0.1: the whole flow, and every failure the design names.
/// Delays and timeouts run on a <see cref="TestClock"/>, so nothing waits on the wall clock.</summary>
public sealed class ClientAgainstFakeTests : IAsyncLifetime
{
    private const string Password = "s3cret-Pa55word";
    private readonly TestClock _clock = new();
    private readonly ListLogger _log = new();
    private FakeCyberTipline _fake = null!;

    public async Task InitializeAsync() =>
        _fake = await FakeCyberTipline.StartAsync(new FakeCyberTiplineOptions { User = "esp", Password = Password, TimeProvider = _clock });

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    private CyberTiplineClient Client(string password = Password, TimeSpan? attemptTimeout = null, TimeSpan? baseDelay = null, int retries = 3) => new(
        new CyberTiplineClientOptions
        {
            BaseAddress = _fake.BaseAddress,
            Credentials = new CyberTiplineCredentials("esp", password),
            TimeProvider = _clock,
            AttemptTimeout = attemptTimeout ?? Timeout.InfiniteTimeSpan,
            RetryBaseDelay = baseDelay ?? TimeSpan.FromSeconds(1),
            MaxRetryDelay = TimeSpan.FromSeconds(30),
            MaxRetryAttempts = retries,
        }, _log);

    /// <summary>Benign fixture images (ThreatExchange's sample photos) as the items' media.</summary>
    private static (ReportInput Input, byte[][] Media) Case()
    {
        byte[][] media =
        [
            File.ReadAllBytes(Fixtures.ThreatExchange("pdq/data/reg-test-input/dih/bridge-3-rotate-180.jpg")),
            File.ReadAllBytes(Fixtures.ThreatExchange("pdq/data/reg-test-input/dih/bridge-6-flipy.jpg")),
        ];
        var input = Samples.WebPage();
        input = input with { Items = [.. input.Items.Select((item, i) => item with { Md5 = Convert.ToHexStringLower(MD5.HashData(media[i])) })] };
        return (input, media);
    }

    [Fact]
    public async Task Full_flow_submit_upload_check_md5_fileinfo_finish_keeps_every_byte()
    {
        var (input, media) = Case();
        using var client = Client();
        Assert.Equal(0, (await client.GetStatusAsync()).ResponseCode);

        var report = ReportDocumentBuilder.BuildReport(input);
        long reportId = await client.SubmitReportAsync(report);
        var uploads = new List<UploadResult>();
        for (int i = 0; i < input.Items.Count; i++)
        {
            var upload = await client.UploadFileAsync(reportId, ReportDocumentBuilder.UploadName(input.Items[i], i), new MemoryStream(media[i]), input.Items[i].Md5);
            Assert.True(upload.Matches(input.Items[i].Md5));
            uploads.Add(upload);
            await client.SubmitFileDetailsAsync(ReportDocumentBuilder.BuildFileDetails(input, i, reportId, upload.FileId));
        }
        var done = await client.FinishReportAsync(reportId);

        Assert.Equal(reportId, done.ReportId);
        Assert.Equal(uploads.Select(u => u.FileId), done.FileIds);
        var received = Assert.Single(_fake.Reports);
        Assert.Equal(FakeReportState.Finished, received.State);
        Assert.Equal(CyberTiplineXml.WriteReport(report), received.Document);
        Assert.Equal(media.Length, received.Files.Count);
        for (int i = 0; i < media.Length; i++)
        {
            Assert.Equal(media[i], received.Files[i].Bytes);
            Assert.Equal(input.Items[i].Md5, received.Files[i].Md5);
            Assert.Equal(input.Items[i].OriginalFileName, received.Files[i].FileName);
        }
        Assert.Equal(2, received.FileDetails.Count);
        Assert.All(received.FileDetails, d => Assert.Empty(CyberTiplineSchema.Validate(d)));
        Assert.Contains("<fileViewedByEsp>false</fileViewedByEsp>", Encoding.UTF8.GetString(received.FileDetails[1]));
        Assert.DoesNotContain(Password, _log.Text);
    }

    [Theory]
    [InlineData(FakeFailureKind.ServerError)]
    [InlineData(FakeFailureKind.Unavailable)]
    [InlineData(FakeFailureKind.TooManyRequests)]
    [InlineData(FakeFailureKind.DropConnection)]
    public async Task Transient_failures_are_retried_with_backoff_then_succeed(FakeFailureKind kind)
    {
        _fake.Inject("submit", new FakeFailure(kind), times: 2);
        using var client = Client();
        long id = await _clock.RunAsync(client.SubmitReportAsync(ReportDocumentBuilder.BuildReport(Samples.WebPage())));
        Assert.Equal(3, _fake.RequestCount("submit"));
        Assert.Single(_fake.Reports, r => r.Id == id);
        Assert.Equal(2, _clock.Armed.Count);
        if (kind is FakeFailureKind.Unavailable or FakeFailureKind.TooManyRequests)
            Assert.All(_clock.Armed, d => Assert.Equal(TimeSpan.FromSeconds(1), d)); // the server's Retry-After
        else
            Assert.All(_clock.Armed, d => Assert.InRange(d, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Backoff_grows_and_is_jittered_then_gives_up_as_unavailable()
    {
        _fake.Inject("status", new FakeFailure(FakeFailureKind.ServerError), times: 100);
        using var client = Client(retries: 6);
        var e = await Assert.ThrowsAsync<CyberTiplineUnavailableException>(() => _clock.RunAsync(client.GetStatusAsync()));
        Assert.Equal(7, e.Attempts);
        Assert.Equal(7, _fake.RequestCount("status"));
        Assert.True(e.IsTransient);
        Assert.Contains("HTTP 500", e.Message);
        Assert.Equal(6, _clock.Armed.Count);
        Assert.True(_clock.Armed.Distinct().Count() > 1, "jitter: the delays are not all equal");
        Assert.True(_clock.Armed[^1] > _clock.Armed[0], $"backoff grows: {string.Join(", ", _clock.Armed)}");
    }

    [Fact]
    public async Task NCMEC_server_error_code_is_retried()
    {
        _fake.Inject("finish", FakeFailure.Result(ResponseCodes.ServerError, "Server error"), times: 1);
        using var client = Client();
        long id = await client.SubmitReportAsync(ReportDocumentBuilder.BuildReport(Samples.WebPage()));
        var done = await _clock.RunAsync(client.FinishReportAsync(id));
        Assert.Equal(id, done.ReportId);
        Assert.Equal(2, _fake.RequestCount("finish"));
    }

    [Fact]
    public async Task A_bad_document_result_is_permanent_not_retried_and_carries_NCMECs_description()
    {
        _fake.Inject("submit", FakeFailure.Result(ResponseCodes.ValidationFailed, "Validation failed: incidentType is required"));
        using var client = Client();
        var e = await Assert.ThrowsAsync<CyberTiplineRejectedException>(() => _clock.RunAsync(client.SubmitReportAsync(ReportDocumentBuilder.BuildReport(Samples.WebPage()))));
        Assert.True(e.IsBadDocument);
        Assert.False(e.IsTransient);
        Assert.Equal("Validation failed: incidentType is required", e.Description);
        Assert.Contains("Validation failed: incidentType is required", e.Message);
        Assert.Equal(1, _fake.RequestCount("submit"));
        Assert.Empty(_clock.Armed);
    }

    [Fact]
    public async Task An_invalid_document_never_leaves()
    {
        using var client = Client();
        var report = ReportDocumentBuilder.BuildReport(Samples.WebPage());
        var bad = report with { Reporter = report.Reporter with { ReportingPerson = new Person { Age = 30, Addresses = [new Address { State = "XX" }] } } };
        var e = await Assert.ThrowsAsync<CyberTiplineDocumentException>(() => client.SubmitReportAsync(bad));
        Assert.Equal("report/reporter/reportingPerson/address/state", e.Errors[0].Path);
        Assert.Equal(0, _fake.RequestCount("submit"));
    }

    [Fact]
    public async Task The_fake_validates_what_it_receives_against_the_schema()
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_fake.BaseAddress, "submit"))
        {
            Content = new StringContent("<report><incidentSummary><incidentType>Spam</incidentType></incidentSummary></report>", Encoding.UTF8, "text/xml"),
        };
        request.Headers.Authorization = new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("esp:" + Password)));
        using var response = await http.SendAsync(request);
        var answer = CyberTiplineXml.ReadReportResponse(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(ResponseCodes.ValidationFailed, answer.ResponseCode);
        Assert.Contains("report/incidentSummary/incidentType", answer.ResponseDescription);
        Assert.Empty(_fake.Reports);
    }

    [Fact]
    public async Task Wrong_credentials_are_a_clear_error_without_a_retry_storm_and_never_shown()
    {
        using var client = Client(password: "wrong-password-123");
        var e = await Assert.ThrowsAsync<CyberTiplineAuthenticationException>(() => _clock.RunAsync(client.GetStatusAsync()));
        Assert.Equal(ResponseCodes.AuthenticationRequired, e.Code);
        Assert.Contains("Authentication required", e.Message);
        Assert.Equal(1, _fake.RequestCount("status"));
        Assert.Empty(_clock.Armed);
        Assert.False(_fake.Requests.Single().Authorized);
        Assert.DoesNotContain("wrong-password-123", e.ToString());
        Assert.DoesNotContain("wrong-password-123", _log.Text);
        Assert.Equal("esp:***", new CyberTiplineCredentials("esp", "wrong-password-123").ToString());

        var e2 = await Assert.ThrowsAsync<CyberTiplineAuthenticationException>(() => client.SubmitReportAsync(ReportDocumentBuilder.BuildReport(Samples.WebPage())));
        Assert.Equal(1, _fake.RequestCount("submit"));
        Assert.Empty(_fake.Reports);
        _ = e2;
    }

    [Fact]
    public async Task A_hung_request_times_out_on_the_injected_clock_and_is_retried()
    {
        _fake.Inject("status", new FakeFailure(FakeFailureKind.Hang));
        using var client = Client(attemptTimeout: TimeSpan.FromSeconds(30), baseDelay: TimeSpan.Zero);
        var call = client.GetStatusAsync();
        await _fake.WaitForHangAsync();
        Assert.False(call.IsCompleted);
        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(0, (await call).ResponseCode);
        Assert.Equal(2, _fake.RequestCount("status"));
    }

    [Fact]
    public async Task A_service_that_never_answers_is_unavailable_after_the_retries()
    {
        _fake.Inject("status", new FakeFailure(FakeFailureKind.Hang), times: 3);
        using var client = Client(attemptTimeout: TimeSpan.FromSeconds(30), baseDelay: TimeSpan.Zero, retries: 2);
        var call = client.GetStatusAsync();
        for (int i = 0; i < 3; i++)
        {
            await _fake.WaitForHangAsync();
            _clock.Advance(TimeSpan.FromSeconds(30));
        }
        var e = await Assert.ThrowsAsync<CyberTiplineUnavailableException>(() => call);
        Assert.Equal(3, e.Attempts);
        Assert.Contains("no answer within", e.Message);
    }

    [Fact]
    public async Task A_wrong_md5_from_NCMEC_is_detected()
    {
        var (input, media) = Case();
        _fake.Inject("upload", new FakeFailure(FakeFailureKind.WrongMd5));
        using var client = Client();
        long id = await client.SubmitReportAsync(ReportDocumentBuilder.BuildReport(input));
        var e = await Assert.ThrowsAsync<CyberTiplineHashMismatchException>(() => client.UploadFileAsync(id, "a.jpg", new MemoryStream(media[0]), input.Items[0].Md5));
        Assert.Equal(input.Items[0].Md5, e.Expected);
        Assert.NotEqual(e.Expected, e.Actual);
        Assert.Equal(_fake.Reports.Single().Files.Single().FileId, e.FileId);
        var again = await client.UploadFileAsync(id, "a.jpg", new MemoryStream(media[0]), input.Items[0].Md5);
        Assert.True(again.Matches(input.Items[0].Md5));
    }

    [Fact]
    public async Task An_upload_whose_connection_dropped_is_not_sent_again_but_one_NCMEC_refused_is()
    {
        var (input, media) = Case();
        using var client = Client();
        long id = await client.SubmitReportAsync(ReportDocumentBuilder.BuildReport(input));
        // A dropped connection may have delivered the file: a second copy could end up in the report, so the client stops.
        _fake.Inject("upload", new FakeFailure(FakeFailureKind.DropConnection));
        var dropped = await Assert.ThrowsAsync<CyberTiplineUnavailableException>(() =>
            client.UploadFileAsync(id, "a.jpg", new MemoryStream(media[0]), input.Items[0].Md5).WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.False(dropped.Answered);
        Assert.Equal(1, _fake.RequestCount("upload"));

        // A 503 is NCMEC saying no: the whole file is sent again.
        _fake.Inject("upload", new FakeFailure(FakeFailureKind.Unavailable));
        var upload = await _clock.RunAsync(client.UploadFileAsync(id, "a.jpg", new MemoryStream(media[0]), input.Items[0].Md5));
        Assert.Equal(media[0], _fake.Reports.Single().Files.Single(f => f.FileId == upload.FileId).Bytes);
        Assert.Equal(3, _fake.RequestCount("upload"));
    }

    [Fact]
    public async Task Retract_withdraws_an_unfinished_report_and_only_that()
    {
        using var client = Client();
        var report = ReportDocumentBuilder.BuildReport(Samples.WebPage());
        long open = await client.SubmitReportAsync(report);
        Assert.Equal(0, (await client.RetractReportAsync(open)).ResponseCode);
        Assert.Equal(FakeReportState.Retracted, _fake.Reports.Single(r => r.Id == open).State);
        var gone = await Assert.ThrowsAsync<CyberTiplineRejectedException>(() => client.FinishReportAsync(open));
        Assert.Equal(ResponseCodes.ReportDoesNotExist, gone.Code);

        long finished = await client.SubmitReportAsync(report);
        await client.FinishReportAsync(finished);
        var late = await Assert.ThrowsAsync<CyberTiplineRejectedException>(() => client.RetractReportAsync(finished));
        Assert.Equal(ResponseCodes.ReportAlreadyFinished, late.Code);
        Assert.Equal(FakeReportState.Finished, _fake.Reports.Single(r => r.Id == finished).State);
    }

    [Fact]
    public async Task Unfinished_reports_expire_24h_after_opening_or_1h_after_the_last_change_whichever_is_later()
    {
        var (input, media) = Case();
        using var client = Client();
        long quiet = await client.SubmitReportAsync(ReportDocumentBuilder.BuildReport(input));
        long busy = await client.SubmitReportAsync(ReportDocumentBuilder.BuildReport(input));

        _clock.Advance(TimeSpan.FromHours(23.5));
        await client.UploadFileAsync(busy, "a.jpg", new MemoryStream(media[0])); // busy last changed at 23.5 h
        Assert.All(_fake.Reports, r => Assert.Equal(FakeReportState.Open, r.State)); // 1 h idle is not enough before 24 h

        _clock.Advance(TimeSpan.FromHours(0.5)); // 24 h
        Assert.Equal(FakeReportState.Expired, _fake.Reports.Single(r => r.Id == quiet).State);
        Assert.Equal(FakeReportState.Open, _fake.Reports.Single(r => r.Id == busy).State);
        var e = await Assert.ThrowsAsync<CyberTiplineRejectedException>(() => client.UploadFileAsync(quiet, "a.jpg", new MemoryStream(media[0])));
        Assert.Equal(ResponseCodes.ReportDoesNotExist, e.Code);

        _clock.Advance(TimeSpan.FromMinutes(29)); // 24 h 29 min
        Assert.Equal(FakeReportState.Open, _fake.Reports.Single(r => r.Id == busy).State);
        _clock.Advance(TimeSpan.FromMinutes(1)); // 24 h 30 min: 1 h after busy's last change
        Assert.Equal(FakeReportState.Expired, _fake.Reports.Single(r => r.Id == busy).State);
        Assert.Equal(ResponseCodes.ReportDoesNotExist, (await Assert.ThrowsAsync<CyberTiplineRejectedException>(() => client.FinishReportAsync(busy))).Code);
    }

    [Fact]
    public async Task The_fake_listens_on_this_machine_only()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => FakeCyberTipline.StartAsync(new FakeCyberTiplineOptions { Url = "http://0.0.0.0:0" }));
        await Assert.ThrowsAsync<ArgumentException>(() => FakeCyberTipline.StartAsync(new FakeCyberTiplineOptions { Url = "http://192.0.2.1:8080" }));
        Assert.True(_fake.BaseAddress.IsLoopback);
    }

    private sealed class ListLogger : ILogger
    {
        private readonly List<string> _lines = [];

        public string Text { get { lock (_lines) return string.Join("\n", _lines); } }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_lines)
                _lines.Add(formatter(state, exception) + (exception is null ? "" : " " + exception));
        }
    }
}
