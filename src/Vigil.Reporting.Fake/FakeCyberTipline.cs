using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Reporting.Model;
using Vigil.Reporting.Xml;

namespace Vigil.Reporting.Fake;

/// <summary>Settings of a <see cref="FakeCyberTipline"/>.</summary>
public sealed class FakeCyberTiplineOptions
{
    /// <summary>Where to listen: an http URL on 127.0.0.1 (or localhost / [::1]); port 0 picks a free port. Default <c>http://127.0.0.1:0</c>.</summary>
    public string Url { get; set; } = "http://127.0.0.1:0";
    /// <summary>The Basic auth user name it accepts. Default <c>vigil</c>.</summary>
    public string User { get; set; } = "vigil";
    /// <summary>The password it accepts. Default <c>vigil-dev</c>.</summary>
    public string Password { get; set; } = "vigil-dev";
    /// <summary>The clock of the 24 h / 1 h expiry.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
    /// <summary>The first report id it hands out.</summary>
    public long FirstReportId { get; set; } = 1_000_001;
    /// <summary>Called with one line per request (method, path, status), for a console; never with credentials.</summary>
    public Action<string>? RequestLog { get; set; }
}

/// <summary>The state of a report the fake holds.</summary>
public enum FakeReportState
{
    /// <summary>Submitted, not finished: files may be added.</summary>
    Open,
    /// <summary>Finished.</summary>
    Finished,
    /// <summary>Retracted before it was finished.</summary>
    Retracted,
    /// <summary>Dropped unfinished: 24 h after it was opened or 1 h after its last change, whichever is later.</summary>
    Expired,
}

/// <summary>A file the fake received: its bytes exactly as uploaded and their MD5.</summary>
/// <param name="FileId">The id the fake gave it.</param>
/// <param name="FileName">The multipart file name.</param>
/// <param name="Bytes">The bytes received.</param>
/// <param name="Md5">Their MD5, lower-case hex (what a correct fake returns).</param>
public sealed record FakeFile(string FileId, string FileName, byte[] Bytes, string Md5);

/// <summary>A report the fake received.</summary>
public sealed class FakeReport
{
    internal readonly List<FakeFile> FileList = [];
    internal readonly List<byte[]> FileDetailsList = [];

    internal FakeReport(long id, byte[] document, DateTimeOffset openedAt)
    {
        Id = id;
        Document = document;
        OpenedAt = openedAt;
        LastChangedAt = openedAt;
    }

    /// <summary>The report id.</summary>
    public long Id { get; }
    /// <summary>The <c>&lt;report&gt;</c> document as received.</summary>
    public byte[] Document { get; }
    /// <summary>When it was submitted.</summary>
    public DateTimeOffset OpenedAt { get; }
    /// <summary>When it last changed (submit, upload, fileinfo).</summary>
    public DateTimeOffset LastChangedAt { get; internal set; }
    /// <summary>Its state.</summary>
    public FakeReportState State { get; internal set; }
    /// <summary>The uploaded files, in order.</summary>
    public IReadOnlyList<FakeFile> Files { get { lock (this) return [.. FileList]; } }
    /// <summary>The <c>&lt;fileDetails&gt;</c> documents received, in order.</summary>
    /// <remarks>One per described file: a later fileinfo for the same file replaces the earlier.</remarks>
    public IReadOnlyList<byte[]> FileDetails { get { lock (this) return [.. FileDetailsList]; } }
}

/// <summary>One request the fake answered.</summary>
/// <param name="Operation">status, submit, upload, fileinfo, finish, retract, xsd (or the path).</param>
/// <param name="Status">The HTTP status (0 when the connection was dropped or the request hung).</param>
/// <param name="Authorized">The credentials were right.</param>
/// <param name="Injected">The failure injected into it, if any.</param>
public sealed record FakeRequest(string Operation, int Status, bool Authorized, FakeFailureKind? Injected);

/// <summary>Kinds of failure the fake injects on request.</summary>
public enum FakeFailureKind
{
    /// <summary>HTTP 500.</summary>
    ServerError,
    /// <summary>HTTP 503 with a <c>Retry-After</c>.</summary>
    Unavailable,
    /// <summary>HTTP 429 with a <c>Retry-After</c>.</summary>
    TooManyRequests,
    /// <summary>No answer until the client gives up (or the fake stops).</summary>
    Hang,
    /// <summary>The connection is closed without an answer.</summary>
    DropConnection,
    /// <summary>An upload is stored but answered with a wrong MD5.</summary>
    WrongMd5,
    /// <summary>HTTP 200 with a reportResponse carrying <see cref="FakeFailure.Code"/> (e.g. 4100, 1000); nothing changes.</summary>
    ResultCode,
    /// <summary>The request is carried out in full but its answer never leaves (a crash or a cut line after NCMEC acted): then as <see cref="Hang"/>.</summary>
    AnswerLost,
}

/// <summary>A failure to inject into the next request(s) of one operation.</summary>
/// <param name="Kind">What goes wrong.</param>
/// <param name="Code">For <see cref="FakeFailureKind.ResultCode"/>: the result code.</param>
/// <param name="Description">For <see cref="FakeFailureKind.ResultCode"/>: its description.</param>
public sealed record FakeFailure(FakeFailureKind Kind, int Code = 0, string Description = "")
{
    /// <summary>A result code in the body.</summary>
    public static FakeFailure Result(int code, string description) => new(FakeFailureKind.ResultCode, code, description);
}

/// <summary>A fake NCMEC CyberTipline (ISPWS) on 127.0.0.1, for tests and integrators: <c>GET /ispws/status</c>,
/// <c>POST /ispws/submit|upload|fileinfo|finish|retract</c>, <c>GET /ispws/xsd</c>, HTTP Basic auth, NCMEC's result
/// codes, the 24 h / 1 h expiry of unfinished reports, schema validation of every document received, a record of
/// everything received, and failures injected on request.</summary>
public sealed class FakeCyberTipline : IAsyncDisposable
{
    private readonly FakeCyberTiplineOptions _options;
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<long, FakeReport> _reports = new();
    private readonly ConcurrentQueue<FakeRequest> _requests = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<FakeFailure?>> _failures = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _hangs = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly string _expectedAuth;
    private long _nextReportId;
    private long _nextFileId;

    private FakeCyberTipline(FakeCyberTiplineOptions options, WebApplication app)
    {
        _options = options;
        _app = app;
        _nextReportId = options.FirstReportId - 1;
        _expectedAuth = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(options.User + ":" + options.Password));
    }

    /// <summary>The API base address, <c>http://127.0.0.1:PORT/ispws/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The reports received, by id order (expiry applied as of now).</summary>
    public IReadOnlyList<FakeReport> Reports
    {
        get
        {
            var now = _options.TimeProvider.GetUtcNow();
            var all = _reports.Values.OrderBy(r => r.Id).ToList();
            foreach (var r in all)
                lock (r) Expire(r, now);
            return all;
        }
    }

    /// <summary>Every request answered, in order.</summary>
    public IReadOnlyList<FakeRequest> Requests => [.. _requests];

    /// <summary>How many requests of <paramref name="operation"/> arrived (answered or not).</summary>
    public int RequestCount(string operation) => _requests.Count(r => r.Operation == operation);

    /// <summary>Starts a fake. Refuses any address that is not on this machine.</summary>
    public static async Task<FakeCyberTipline> StartAsync(FakeCyberTiplineOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new FakeCyberTiplineOptions();
        var url = new Uri(options.Url);
        if (url.Scheme != Uri.UriSchemeHttp || !(url.IsLoopback && (url.Host is "localhost" || IPAddress.TryParse(url.Host.Trim('[', ']'), out _))))
            throw new ArgumentException($"the fake CyberTipline listens on http://127.0.0.1 only (or localhost, [::1]), not {options.Url}");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url.GetLeftPart(UriPartial.Authority));
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
        builder.Services.Configure<FormOptions>(f => f.MultipartBodyLengthLimit = long.MaxValue);
        var app = builder.Build();
        var fake = new FakeCyberTipline(options, app);
        app.Map("/ispws/{operation}", fake.HandleAsync);
        await app.StartAsync(cancellationToken);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.BaseAddress = new Uri(address.TrimEnd('/') + "/ispws/");
        return fake;
    }

    /// <summary>Makes <paramref name="times"/> requests of <paramref name="operation"/> (status, submit, upload, fileinfo, finish, retract)
    /// fail, after letting the next <paramref name="after"/> of them pass (added behind what is injected already).</summary>
    public void Inject(string operation, FakeFailure failure, int times = 1, int after = 0)
    {
        var queue = _failures.GetOrAdd(operation, _ => new ConcurrentQueue<FakeFailure?>());
        for (int i = 0; i < after; i++)
            queue.Enqueue(null);
        for (int i = 0; i < times; i++)
            queue.Enqueue(failure);
    }

    /// <summary>Completes when a request starts hanging (one per call), so a test can move its clock past the client's timeout.</summary>
    public Task WaitForHangAsync(CancellationToken cancellationToken = default) => _hangs.WaitAsync(cancellationToken);

    /// <summary>Waits until Ctrl-C style cancellation of <paramref name="cancellationToken"/>, then stops.</summary>
    public async Task RunUntilAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
        await DisposeAsync();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
            return;
        _stopping.Cancel();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context, string operation)
    {
        bool authorized = CryptographicOperations.FixedTimeEquals(
            Encoding.UTF8.GetBytes(context.Request.Headers.Authorization.ToString()), Encoding.UTF8.GetBytes(_expectedAuth));
        FakeFailure? failure = null;
        int status = 0;
        bool recorded = false;
        try
        {
            if (operation == "xsd" && HttpMethods.IsGet(context.Request.Method))
            {
                status = 200;
                context.Response.ContentType = "text/xml; charset=utf-8";
                await context.Response.WriteAsync(CyberTiplineSchema.Text);
                return;
            }
            if (!authorized)
            {
                status = 401;
                context.Response.Headers.WWWAuthenticate = "Basic realm=\"ispws\"";
                await Respond(context, 401, new ReportResponse { ResponseCode = ResponseCodes.AuthenticationRequired, ResponseDescription = "Authentication required" });
                return;
            }
            if (_failures.TryGetValue(operation, out var queue) && queue.TryDequeue(out var f))
                failure = f;
            switch (failure?.Kind)
            {
                case FakeFailureKind.ServerError:
                    status = 500;
                    context.Response.StatusCode = 500;
                    await context.Response.WriteAsync("Internal Server Error");
                    return;
                case FakeFailureKind.Unavailable or FakeFailureKind.TooManyRequests:
                    status = failure.Kind == FakeFailureKind.Unavailable ? 503 : 429;
                    context.Response.StatusCode = status;
                    context.Response.Headers.RetryAfter = "1";
                    return;
                case FakeFailureKind.Hang:
                    Record(context, operation, status, authorized, failure);
                    recorded = true;
                    await HangAsync(context);
                    return;
                case FakeFailureKind.DropConnection:
                    // Recorded before the abort (and before a hang): the client sees either at once and may count requests before finally runs.
                    Record(context, operation, status, authorized, failure);
                    recorded = true;
                    context.Abort();
                    return;
                case FakeFailureKind.ResultCode:
                    status = 200;
                    await Respond(context, 200, new ReportResponse { ResponseCode = failure.Code, ResponseDescription = failure.Description });
                    return;
            }
            (status, var body) = await DispatchAsync(context, operation, failure?.Kind == FakeFailureKind.WrongMd5);
            if (failure?.Kind == FakeFailureKind.AnswerLost)
            {
                status = 0;
                Record(context, operation, status, authorized, failure);
                recorded = true;
                await HangAsync(context);
                return;
            }
            context.Response.StatusCode = status;
            context.Response.ContentType = "text/xml; charset=utf-8";
            await context.Response.Body.WriteAsync(body);
        }
        finally
        {
            if (!recorded)
                Record(context, operation, status, authorized, failure);
        }
    }

    private void Record(HttpContext context, string operation, int status, bool authorized, FakeFailure? failure)
    {
        _requests.Enqueue(new FakeRequest(operation, status, authorized, failure?.Kind));
        _options.RequestLog?.Invoke($"{context.Request.Method} /ispws/{operation} -> {(status == 0 ? "no answer" : status.ToString(System.Globalization.CultureInfo.InvariantCulture))}{(failure is null ? "" : $" (injected {failure.Kind})")}");
    }

    /// <summary>Holds the request without an answer until the client gives up or the fake stops; <see cref="WaitForHangAsync"/> learns of it.</summary>
    private async Task HangAsync(HttpContext context)
    {
        _hangs.Release();
        using (var both = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token))
        {
            try { await Task.Delay(Timeout.Infinite, both.Token); }
            catch (OperationCanceledException) { }
        }
        context.Abort();
    }

    private async Task<(int Status, byte[] Body)> DispatchAsync(HttpContext context, string operation, bool wrongMd5)
    {
        var now = _options.TimeProvider.GetUtcNow();
        bool isPost = HttpMethods.IsPost(context.Request.Method);
        switch (operation)
        {
            case "status" when HttpMethods.IsGet(context.Request.Method):
                return Ok(new ReportResponse { ResponseCode = 0, ResponseDescription = "Remote user: " + _options.User });
            case "submit" when isPost:
            {
                byte[] document = await ReadBodyAsync(context);
                if (Invalid(document, "report") is { } complaint)
                    return Ok(Error(ResponseCodes.ValidationFailed, complaint));
                long id = Interlocked.Increment(ref _nextReportId);
                _reports[id] = new FakeReport(id, document, now);
                return Ok(new ReportResponse { ResponseCode = 0, ResponseDescription = "Success", ReportId = id });
            }
            case "upload" when isPost:
            {
                if (!context.Request.HasFormContentType)
                    return Ok(Error(ResponseCodes.ValidationFailed, "upload needs multipart/form-data with 'id' and 'file'"));
                var form = await context.Request.ReadFormAsync();
                var file = form.Files["file"];
                if (!long.TryParse(form["id"], out long id) || file is null)
                    return Ok(Error(ResponseCodes.ValidationFailed, "upload needs the fields 'id' (a report id) and 'file'"));
                using var buffer = new MemoryStream();
                await file.CopyToAsync(buffer);
                byte[] bytes = buffer.ToArray();
                return WithOpenReport(id, now, report =>
                {
                    string fileId = "f" + Interlocked.Increment(ref _nextFileId).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
                    string md5 = Convert.ToHexStringLower(MD5.HashData(bytes));
                    report.FileList.Add(new FakeFile(fileId, file.FileName, bytes, md5));
                    report.LastChangedAt = now;
                    string answered = wrongMd5 ? Convert.ToHexStringLower(MD5.HashData([.. bytes, 0])) : md5;
                    return new ReportResponse { ResponseCode = 0, ResponseDescription = "Success", ReportId = id, FileId = fileId, Hash = answered };
                });
            }
            case "fileinfo" when isPost:
            {
                byte[] document = await ReadBodyAsync(context);
                if (Invalid(document, "fileDetails") is { } complaint)
                    return Ok(Error(ResponseCodes.ValidationFailed, complaint));
                var root = System.Xml.Linq.XDocument.Parse(Encoding.UTF8.GetString(document)).Root!;
                long id = long.Parse(root.Element("reportId")!.Value.Trim(), System.Globalization.CultureInfo.InvariantCulture);
                string fileId = root.Element("fileId")!.Value.Trim();
                return WithOpenReport(id, now, report =>
                {
                    if (!report.FileList.Any(f => f.FileId == fileId))
                        return Error(ResponseCodes.ValidationFailed, $"file {fileId} is not a file of report {id}");
                    // A file's latest fileinfo replaces an earlier one (a client that lost the answer sends it again).
                    int earlier = report.FileDetailsList.FindIndex(d => DescribedFile(d) == fileId);
                    if (earlier >= 0)
                        report.FileDetailsList[earlier] = document;
                    else
                        report.FileDetailsList.Add(document);
                    report.LastChangedAt = now;
                    return new ReportResponse { ResponseCode = 0, ResponseDescription = "Success", ReportId = id, FileId = fileId };
                });
            }
            case "finish" when isPost:
            case "retract" when isPost:
            {
                var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync() : null;
                if (!long.TryParse(form?["id"], out long id))
                    return Ok(Error(ResponseCodes.ValidationFailed, $"{operation} needs the form field 'id'"));
                if (!_reports.TryGetValue(id, out var report))
                    return Ok(Error(ResponseCodes.ReportDoesNotExist, $"Report {id} does not exist"));
                lock (report)
                {
                    Expire(report, now);
                    switch (report.State)
                    {
                        case FakeReportState.Finished:
                            return Ok(Error(ResponseCodes.ReportAlreadyFinished, $"Report {id} is already finished"));
                        case FakeReportState.Retracted or FakeReportState.Expired:
                            return Ok(Error(ResponseCodes.ReportDoesNotExist, $"Report {id} does not exist ({report.State.ToString().ToLowerInvariant()})"));
                    }
                    if (operation == "retract")
                    {
                        report.State = FakeReportState.Retracted;
                        return Ok(new ReportResponse { ResponseCode = 0, ResponseDescription = "Success", ReportId = id });
                    }
                    report.State = FakeReportState.Finished;
                    return (200, CyberTiplineXml.WriteReportDoneResponse(new ReportDoneResponse
                    {
                        ResponseCode = 0,
                        ReportId = id,
                        FileIds = [.. report.FileList.Select(f => f.FileId)],
                    }));
                }
            }
            default:
                return (404, CyberTiplineXml.WriteReportResponse(Error(ResponseCodes.ValidationFailed, $"no such operation: {context.Request.Method} {operation}")));
        }
    }

    private (int, byte[]) WithOpenReport(long id, DateTimeOffset now, Func<FakeReport, ReportResponse> change)
    {
        if (!_reports.TryGetValue(id, out var report))
            return Ok(Error(ResponseCodes.ReportDoesNotExist, $"Report {id} does not exist"));
        lock (report)
        {
            Expire(report, now);
            return report.State switch
            {
                FakeReportState.Open => Ok(change(report)),
                FakeReportState.Finished => Ok(Error(ResponseCodes.ReportAlreadyFinished, $"Report {id} is already finished")),
                _ => Ok(Error(ResponseCodes.ReportDoesNotExist, $"Report {id} does not exist ({report.State.ToString().ToLowerInvariant()})")),
            };
        }
    }

    /// <summary>NCMEC drops an unfinished report 24 h after it was opened or 1 h after its last change, whichever is later.</summary>
    private static void Expire(FakeReport report, DateTimeOffset now)
    {
        var deadline = Max(report.OpenedAt + TimeSpan.FromHours(24), report.LastChangedAt + TimeSpan.FromHours(1));
        if (report.State == FakeReportState.Open && now >= deadline)
            report.State = FakeReportState.Expired;
    }

    private static string DescribedFile(byte[] fileDetails) =>
        System.Xml.Linq.XDocument.Parse(Encoding.UTF8.GetString(fileDetails)).Root!.Element("fileId")!.Value.Trim();

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static string? Invalid(byte[] document, string root)
    {
        try
        {
            CyberTiplineSchema.EnsureValid(document, root);
            return null;
        }
        catch (CyberTiplineDocumentException e)
        {
            return "Validation failed: " + string.Join("; ", e.Errors.Take(5));
        }
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private static ReportResponse Error(int code, string description) => new() { ResponseCode = code, ResponseDescription = description };

    private static (int, byte[]) Ok(ReportResponse response) => (200, CyberTiplineXml.WriteReportResponse(response));

    private static async Task Respond(HttpContext context, int status, ReportResponse response)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/xml; charset=utf-8";
        await context.Response.Body.WriteAsync(CyberTiplineXml.WriteReportResponse(response));
    }
}
