using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using Vigil.Reporting.Model;
using Vigil.Reporting.Xml;

namespace Vigil.Reporting.Client;

/// <summary>The result of <c>POST /upload</c>: NCMEC's id for the file and NCMEC's MD5 of what it received.</summary>
/// <param name="ReportId">The report the file belongs to.</param>
/// <param name="FileId">NCMEC's file id, for <c>/fileinfo</c>.</param>
/// <param name="Md5">NCMEC's MD5 of the received bytes (lower-case hex); compare it with the file's.</param>
public sealed record UploadResult(long ReportId, string FileId, string Md5)
{
    /// <summary>True when NCMEC's MD5 is <paramref name="md5Hex"/> (any case).</summary>
    public bool Matches(string md5Hex) => string.Equals(Md5, md5Hex, StringComparison.OrdinalIgnoreCase);
}

/// <summary>A typed client of NCMEC's CyberTipline reporting API (ISPWS): <c>GET /status</c>, <c>POST /submit</c>,
/// <c>/upload</c>, <c>/fileinfo</c>, <c>/finish</c>, <c>/retract</c>, with HTTP Basic auth.</summary>
/// <remarks>
/// Every document is validated against the schema before it is sent (an invalid one throws
/// <see cref="CyberTiplineDocumentException"/> and nothing is sent). Network errors, timeouts, HTTP 5xx and 429 and
/// NCMEC's server-error code are retried with exponential backoff and jitter (Polly), up to
/// <see cref="CyberTiplineClientOptions.MaxRetryAttempts"/>; then <see cref="CyberTiplineUnavailableException"/>.
/// Result codes for a bad document, a report's state or bad credentials are not retried:
/// <see cref="CyberTiplineRejectedException"/> / <see cref="CyberTiplineAuthenticationException"/> with NCMEC's
/// description. The client keeps no state between calls: persisting report and file ids is the caller's job.
/// Credentials are sent per request and never logged.
/// </remarks>
public sealed class CyberTiplineClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly CyberTiplineClientOptions _options;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline<Attempt> _pipeline;
    private readonly ResiliencePipeline<Attempt> _answeredOnlyPipeline;
    private readonly Uri _base;

    /// <summary>A client with its own <see cref="HttpClient"/>.</summary>
    public CyberTiplineClient(CyberTiplineClientOptions options, ILogger? logger = null)
        : this(new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan }, options, logger, ownsHttp: true)
    {
    }

    /// <summary>A client over <paramref name="http"/> (e.g. from IHttpClientFactory). Its <see cref="HttpClient.Timeout"/>
    /// should be infinite: the client times each attempt itself, on <see cref="CyberTiplineClientOptions.TimeProvider"/>.</summary>
    public CyberTiplineClient(HttpClient http, CyberTiplineClientOptions options, ILogger? logger = null)
        : this(http, options, logger, ownsHttp: false)
    {
    }

    private CyberTiplineClient(HttpClient http, CyberTiplineClientOptions options, ILogger? logger, bool ownsHttp)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Credentials);
        var address = options.BaseAddress;
        if (!address.IsAbsoluteUri)
            throw new ArgumentException($"the CyberTipline base address must be absolute: {address}");
        if (CyberTiplineEnvironments.IsProduction(address) && !options.AllowProduction)
            throw new InvalidOperationException($"{address} is NCMEC's production CyberTipline: real reports need AllowProduction (--cybertipline production)");
        if (address.Scheme != Uri.UriSchemeHttps && !address.IsLoopback)
            throw new ArgumentException($"the CyberTipline base address must be https unless it is on this machine: {address}");
        _base = address.AbsoluteUri.EndsWith('/') ? address : new Uri(address.AbsoluteUri + "/");
        _http = http;
        _ownsHttp = ownsHttp;
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _pipeline = BuildPipeline(options, retryUnanswered: true);
        _answeredOnlyPipeline = BuildPipeline(options, retryUnanswered: false);
    }

    /// <summary>The longest one call can take through every retry, or null when attempts have no timeout.</summary>
    public TimeSpan? LongestCall => _options.LongestCall;

    /// <summary>The base address calls go to.</summary>
    public Uri BaseAddress => _base;

    /// <summary><c>GET /status</c>: checks that the service answers and accepts the credentials.</summary>
    public async Task<ReportResponse> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var attempt = await SendAsync("status", HttpMethod.Get, () => null, cancellationToken);
        return Expect(ReadResponse("status", attempt), "status");
    }

    /// <summary><c>POST /submit</c>: opens a report; returns NCMEC's report id (persist it before anything else).</summary>
    /// <exception cref="CyberTiplineDocumentException">The document is not valid; nothing was sent.</exception>
    public async Task<long> SubmitReportAsync(Report report, CancellationToken cancellationToken = default)
    {
        byte[] xml = CyberTiplineXml.WriteReport(report);
        var attempt = await SendAsync("submit", HttpMethod.Post, () => XmlContent(xml), cancellationToken);
        var response = Expect(ReadResponse("submit", attempt), "submit");
        return response.ReportId ?? throw new CyberTiplineProtocolException("the submit response has no reportId");
    }

    /// <summary><c>POST /upload</c> (multipart <c>id</c>, <c>file</c>): streams one file to report <paramref name="reportId"/>.</summary>
    /// <param name="reportId">The report.</param>
    /// <param name="fileName">The name to upload the file under.</param>
    /// <param name="openFile">Opens the file's bytes from the start; called once per attempt, the stream is disposed after it.</param>
    /// <param name="expectedMd5">The file's MD5 (hex): when given, NCMEC's must equal it or <see cref="CyberTiplineHashMismatchException"/> is thrown.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<UploadResult> UploadFileAsync(long reportId, string fileName, Func<Stream> openFile, string? expectedMd5 = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(openFile);
        string safeName = XmlText.Strip(fileName).Replace('"', '\'');
        // A timed-out upload may have arrived: sending it again could put the file in the report twice, so only
        // answered failures are retried here; the outbox decides what to do with an unanswered one.
        var attempt = await SendAsync("upload", HttpMethod.Post, () =>
        {
            var form = new MultipartFormDataContent();
            form.Add(new StringContent(reportId.ToString(System.Globalization.CultureInfo.InvariantCulture)), "id");
            var file = new StreamContent(openFile());
            file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(file, "file", safeName.Length > 0 ? safeName : "file");
            return form;
        }, cancellationToken, retryUnanswered: false);
        var response = Expect(ReadResponse("upload", attempt), "upload");
        string fileId = response.FileId ?? throw new CyberTiplineProtocolException("the upload response has no fileId");
        string md5 = (response.Hash ?? throw new CyberTiplineProtocolException("the upload response has no hash")).ToLowerInvariant();
        var result = new UploadResult(response.ReportId ?? reportId, fileId, md5);
        if (expectedMd5 is not null && !result.Matches(expectedMd5))
        {
            _logger.LogWarning("CyberTipline upload to report {ReportId}: NCMEC's MD5 of file {FileId} differs from the file's", reportId, fileId);
            throw new CyberTiplineHashMismatchException(reportId, fileId, expectedMd5.ToLowerInvariant(), md5);
        }
        return result;
    }

    /// <summary>Uploads a seekable stream (rewound to its current position for each attempt); see <see cref="UploadFileAsync(long, string, Func{Stream}, string?, CancellationToken)"/>.</summary>
    public Task<UploadResult> UploadFileAsync(long reportId, string fileName, Stream content, string? expectedMd5 = null,
        CancellationToken cancellationToken = default)
    {
        if (!content.CanSeek)
            throw new ArgumentException("the stream must be seekable to be retried; pass a function that opens it", nameof(content));
        long start = content.Position;
        return UploadFileAsync(reportId, fileName, () =>
        {
            content.Position = start;
            return new NonClosingStream(content);
        }, expectedMd5, cancellationToken);
    }

    /// <summary><c>POST /fileinfo</c>: describes an uploaded file.</summary>
    /// <exception cref="CyberTiplineDocumentException">The document is not valid; nothing was sent.</exception>
    public async Task<ReportResponse> SubmitFileDetailsAsync(FileDetails details, CancellationToken cancellationToken = default)
    {
        byte[] xml = CyberTiplineXml.WriteFileDetails(details);
        var attempt = await SendAsync("fileinfo", HttpMethod.Post, () => XmlContent(xml), cancellationToken);
        return Expect(ReadResponse("fileinfo", attempt), "fileinfo");
    }

    /// <summary><c>POST /finish</c> (form <c>id</c>): closes the report; NCMEC lists the files it holds.</summary>
    public async Task<ReportDoneResponse> FinishReportAsync(long reportId, CancellationToken cancellationToken = default)
    {
        var attempt = await SendAsync("finish", HttpMethod.Post, () => IdForm(reportId), cancellationToken);
        var (root, code, description) = CyberTiplineXml.Peek(attempt.Body);
        if (root == "reportResponse")
        {
            Expect(ReadResponse("finish", attempt), "finish");
            throw new CyberTiplineProtocolException("finish answered a reportResponse with success instead of a reportDoneResponse");
        }
        CheckHttp("finish", attempt, code, description);
        var done = CyberTiplineXml.ReadReportDoneResponse(attempt.Body);
        if (done.ResponseCode != ResponseCodes.Success)
            throw Refusal("finish", done.ResponseCode, "");
        return done;
    }

    /// <summary><c>POST /retract</c> (form <c>id</c>): withdraws an unfinished report.</summary>
    public async Task<ReportResponse> RetractReportAsync(long reportId, CancellationToken cancellationToken = default)
    {
        var attempt = await SendAsync("retract", HttpMethod.Post, () => IdForm(reportId), cancellationToken);
        return Expect(ReadResponse("retract", attempt), "retract");
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsHttp)
            _http.Dispose();
    }

    private sealed record Attempt(HttpStatusCode Status, byte[] Body, TimeSpan? RetryAfter, int Number);

    /// <summary>The retry pipeline; without <paramref name="retryUnanswered"/> only calls NCMEC answered (5xx, 429) are retried,
    /// never one that timed out or lost its connection, which NCMEC may have carried out.</summary>
    private static ResiliencePipeline<Attempt> BuildPipeline(CyberTiplineClientOptions options, bool retryUnanswered)
    {
        var builder = new ResiliencePipelineBuilder<Attempt> { TimeProvider = options.TimeProvider };
        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<Attempt>
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.MaxRetryDelay,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Exception: HttpRequestException or IOException or TimeoutRejectedException } => retryUnanswered,
                    { Result: { } a } => IsTransient(a),
                    _ => false,
                }),
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Result?.RetryAfter is { } after ? (TimeSpan?)(after < options.MaxRetryDelay ? after : options.MaxRetryDelay) : null),
            });
        }
        if (options.AttemptTimeout != Timeout.InfiniteTimeSpan)
            builder.AddTimeout(options.AttemptTimeout);
        return builder.Build();
    }

    private static bool IsTransient(Attempt a) =>
        (int)a.Status >= 500 || a.Status == HttpStatusCode.TooManyRequests
        || (a.Status == HttpStatusCode.OK && CyberTiplineXml.Peek(a.Body).Code == ResponseCodes.ServerError);

    private async Task<Attempt> SendAsync(string operation, HttpMethod method, Func<HttpContent?> content, CancellationToken cancellationToken,
        bool retryUnanswered = true)
    {
        var uri = new Uri(_base, operation);
        int number = 0;
        int unanswered = 0;
        Attempt? last = null;
        Exception? lastError = null;
        try
        {
            last = await (retryUnanswered ? _pipeline : _answeredOnlyPipeline).ExecuteAsync(async ct =>
            {
                int n = ++number;
                try
                {
                    using var request = new HttpRequestMessage(method, uri) { Content = content() };
                    request.Headers.Authorization = new AuthenticationHeaderValue("Basic", _options.Credentials.BasicHeaderValue());
                    using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
                    byte[] body = await ReadBoundedAsync(response.Content, ct);
                    var attempt = new Attempt(response.StatusCode, body, RetryAfter(response), n);
                    var (_, code, _) = CyberTiplineXml.Peek(body);
                    _logger.LogInformation("CyberTipline {Operation} attempt {Attempt}: HTTP {Status}, code {Code}", operation, n, (int)response.StatusCode, code);
                    last = attempt;
                    return attempt;
                }
                catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    lastError = e;
                    unanswered++;
                    _logger.LogWarning("CyberTipline {Operation} attempt {Attempt} failed: {Error}", operation, n, e.GetType().Name + ": " + e.Message);
                    throw;
                }
            }, cancellationToken);
        }
        catch (TimeoutRejectedException e)
        {
            throw new CyberTiplineUnavailableException(operation, number, $"no answer within {_options.AttemptTimeout}", e, answered: false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw new CyberTiplineUnavailableException(operation, number, e.Message, e, answered: false);
        }
        if (IsTransient(last))
        {
            var (_, code, description) = CyberTiplineXml.Peek(last.Body);
            string reason = code == ResponseCodes.ServerError ? $"code {code}: {description}" : $"HTTP {(int)last.Status}";
            throw new CyberTiplineUnavailableException(operation, number, reason, lastError, answered: unanswered == 0);
        }
        return last;
    }

    private async Task<byte[]> ReadBoundedAsync(HttpContent content, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > _options.MaxResponseBytes)
                throw new CyberTiplineProtocolException($"the response is larger than {_options.MaxResponseBytes} bytes");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            _ => null,
        };

    private static ReportResponse ReadResponse(string operation, Attempt attempt)
    {
        var (root, code, description) = CyberTiplineXml.Peek(attempt.Body);
        CheckHttp(operation, attempt, code, description);
        if (root != "reportResponse")
            throw new CyberTiplineProtocolException($"{operation} answered HTTP {(int)attempt.Status} without a reportResponse");
        return CyberTiplineXml.ReadReportResponse(attempt.Body);
    }

    private static void CheckHttp(string operation, Attempt attempt, int? code, string description)
    {
        if (attempt.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            throw new CyberTiplineAuthenticationException(operation, code ?? ResponseCodes.AuthenticationRequired,
                description.Length > 0 ? description : $"HTTP {(int)attempt.Status}: the CyberTipline refused the credentials");
        if (!((int)attempt.Status is >= 200 and < 300))
        {
            if (code is { } c and not ResponseCodes.Success)
                throw Refusal(operation, c, description);
            throw new CyberTiplineProtocolException($"{operation} answered HTTP {(int)attempt.Status}");
        }
    }

    private static ReportResponse Expect(ReportResponse response, string operation) =>
        response.ResponseCode == ResponseCodes.Success ? response : throw Refusal(operation, response.ResponseCode, response.ResponseDescription);

    private static CyberTiplineRejectedException Refusal(string operation, int code, string description) =>
        code is ResponseCodes.AuthenticationRequired or ResponseCodes.NotAuthorized
            ? new CyberTiplineAuthenticationException(operation, code, description)
            : new CyberTiplineRejectedException(operation, code, description);

    private static ByteArrayContent XmlContent(byte[] xml)
    {
        var content = new ByteArrayContent(xml);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/xml") { CharSet = "utf-8" };
        return content;
    }

    private static FormUrlEncodedContent IdForm(long reportId) =>
        new([new KeyValuePair<string, string>("id", reportId.ToString(System.Globalization.CultureInfo.InvariantCulture))]);

    /// <summary>A view of a caller's stream that the HTTP content may dispose without closing it.</summary>
    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
