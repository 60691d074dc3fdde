using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Vigil.Exchanges.Fetching;
using Vigil.Exchanges.Formats;
using Vigil.Hashing.Signals;

namespace Vigil.Exchanges.Clients.StopNcii;

/// <summary>
/// StopNCII.org's hash API: <c>GET FetchHashes?startTimestamp=&amp;pageSize=&amp;nextPageToken=</c> read
/// page by page into <see cref="ExchangePage"/>s, <c>POST SubmitFeedback</c> for review decisions, and
/// <c>POST SubmitHashes</c> for the platform's own confirmed hashes (only for banks an admin shares).
/// Every call carries the subscription key (<c>Ocp-Apim-Subscription-Key</c>) and the endpoint's
/// function key (<c>x-functions-key</c>), and goes through <see cref="ExchangeHttp"/> (retries on
/// 429/5xx and network errors; 401/403 stop).
/// </summary>
/// <remarks>
/// <para>Records are read by the StopNCII JSON format's reader: <c>ImagePDQ</c> becomes a
/// <see cref="SignalType.Pdq"/> signal and <c>VideoMD5</c> a <see cref="SignalType.VideoMd5"/> one
/// (StopNCII's MD5s are of videos); other types (<c>VideoTMK</c>, <c>Text</c>, <c>URL</c>) and
/// unreadable records are counted in <see cref="ExchangePage.Skipped"/>. <c>Withdrawn</c> and
/// <c>Deleted</c> hashes are removals by source id, which is the hash value; each record's status,
/// case numbers and feedback are kept in <see cref="HashListEntry.MetadataJson"/>.</para>
/// <para>Each page's checkpoint is the query's <c>startTimestamp</c> and the token of the next page
/// (after the last page, StopNCII's <c>nextSetTimestamp</c> and no token); its
/// <see cref="ExchangeCheckpoint.At"/> is when the page was read. A checkpoint older than
/// <see cref="StopNciiOptions.StaleAfter"/>, or one this client cannot read, is dropped and the fetch
/// starts over from the start (<see cref="StartedOverBecause"/> says why); a stored page token StopNCII
/// no longer takes is dropped and its query read again from its <c>startTimestamp</c>. The last page of
/// a fetch read from the start in one go ends a snapshot (<see cref="ExchangePage.EndsSnapshot"/>):
/// hashes StopNCII no longer lists at all leave the bank too.</para>
/// </remarks>
public sealed class StopNciiClient : IExchangeClient, IExchangeFeedback, IExchangeSubmissions
{
    /// <summary>The exchange's name in errors.</summary>
    public const string ExchangeName = "StopNCII";

    private const string SubscriptionHeader = "Ocp-Apim-Subscription-Key";
    private const string FunctionKeyHeader = "x-functions-key";

    private readonly ExchangeHttp _http;
    private readonly StopNciiCredentials _credentials;
    private readonly StopNciiOptions _options;
    private readonly Uri _fetchHashes;
    private readonly Uri _submitFeedback;
    private readonly Uri _submitHashes;

    /// <summary>A client calling through <paramref name="http"/> (its Timeout should be infinite: attempts are timed by <see cref="StopNciiOptions.Http"/>).</summary>
    public StopNciiClient(HttpClient http, StopNciiCredentials credentials, StopNciiOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        _credentials = credentials ?? throw new ArgumentNullException(nameof(credentials));
        _options = options ?? new StopNciiOptions();
        if (_options.PageSize < 1)
            throw new ArgumentOutOfRangeException(nameof(options), _options.PageSize, "StopNCII page size must be at least 1");
        if (_options.StaleAfter <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(options), _options.StaleAfter, "StopNCII staleness window must be positive");
        var root = _options.BaseUrl ?? throw new ArgumentException("StopNCII base URL is required", nameof(options));
        if (!root.IsAbsoluteUri || root.Scheme is not ("https" or "http"))
            throw new ArgumentException($"StopNCII base URL must be an absolute http(s) URL, not {root}", nameof(options));
        if (!root.AbsoluteUri.EndsWith('/'))
            root = new Uri(root.AbsoluteUri + "/");
        _fetchHashes = new Uri(root, "FetchHashes");
        _submitFeedback = new Uri(root, "SubmitFeedback");
        _submitHashes = new Uri(root, "SubmitHashes");
        _http = new ExchangeHttp(http, ExchangeName, _options.Http);
    }

    /// <summary>
    /// Why the latest <see cref="FetchAsync"/> dropped the checkpoint it was given and read from the start
    /// (stale, or unreadable); null when it resumed from it, or was given none.
    /// </summary>
    public string? StartedOverBecause { get; private set; }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ExchangePage> FetchAsync(ExchangeCheckpoint? checkpoint, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var position = Resume(checkpoint);
        // Only a read from the start within this one fetch has named every hash StopNCII lists.
        bool readsEverything = position.InFullFetch && position.NextPageToken is null && position.StartTimestamp == StopNciiOptions.FullFetchStartTimestamp;
        bool tokenFromCheckpoint = position.NextPageToken is not null;
        while (true)
        {
            ExchangeAnswer answer;
            try
            {
                answer = await _http.SendAsync("FetchHashes", () => FetchRequest(position), cancellationToken);
            }
            catch (ExchangeProtocolException e) when (tokenFromCheckpoint)
            {
                // Page tokens do not live long; the query itself can always be read again (adding is idempotent).
                Say($"StopNCII refused the stored page token ({e.Message}); reading again from startTimestamp {position.StartTimestamp}");
                position = position with { NextPageToken = null };
                tokenFromCheckpoint = false;
                // A full fetch read again from its start now names every hash in this one fetch.
                readsEverything = position.InFullFetch && position.StartTimestamp == StopNciiOptions.FullFetchStartTimestamp;
                continue;
            }
            tokenFromCheckpoint = false;

            var page = StopNciiPage.Parse(answer.Body);
            var (entries, skipped) = ReadRecords(answer.Body);
            StopNciiCheckpoint next;
            if (page.HasMoreRecords)
            {
                if (page.NextPageToken is null)
                    throw new ExchangeProtocolException("StopNCII: FetchHashes says it has more records but gives no nextPageToken");
                if (page.NextPageToken == position.NextPageToken)
                    throw new ExchangeProtocolException("StopNCII: FetchHashes answered the same nextPageToken it was given (the fetch would never end)");
                next = position with { NextPageToken = page.NextPageToken };
            }
            else
            {
                long start = page.NextSetTimestamp is > 0 and long set ? set : position.StartTimestamp;
                next = new StopNciiCheckpoint(start, null, InFullFetch: false);
            }
            yield return new ExchangePage(entries, new ExchangeCheckpoint(next.Encode(), _options.Clock.GetUtcNow()))
            {
                Skipped = skipped,
                EndsSnapshot = readsEverything && !page.HasMoreRecords,
            };
            if (!page.HasMoreRecords)
                yield break;
            position = next;
        }
    }

    /// <summary>StopNCII takes both: <see cref="ExchangeOpinion.Confirmed"/> as <c>Blocked</c>, <see cref="ExchangeOpinion.FalsePositive"/> as <c>NotBlocked</c>.</summary>
    public bool Accepts(ExchangeOpinion opinion) => opinion is ExchangeOpinion.Confirmed or ExchangeOpinion.FalsePositive;

    /// <summary>
    /// Posts <c>{"count":1,"hashFeedbacks":[{"hashValue":ID,"feedbackValue":"Blocked"|"NotBlocked","tags":[]}]}</c>
    /// to <c>SubmitFeedback</c>, the hash value being the entry's source id (StopNCII's feedback names the hash, not its type).
    /// </summary>
    public async Task SendFeedbackAsync(ExchangeFeedback feedback, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        string value = feedback.Opinion switch
        {
            ExchangeOpinion.Confirmed => "Blocked",
            ExchangeOpinion.FalsePositive => "NotBlocked",
            _ => throw new ArgumentOutOfRangeException(nameof(feedback), feedback.Opinion, "StopNCII takes no such opinion"),
        };
        string hash = feedback.EntryId is { Length: > 0 } id ? id
            : feedback.Signals is { Count: > 0 } signals ? signals[0].Value
            : throw new ArgumentException("StopNCII feedback needs the entry's hash value", nameof(feedback));
        byte[] body = FeedbackBody(hash, value);
        await _http.SendAsync("SubmitFeedback", () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, _submitFeedback) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            Authorize(request, _credentials.FeedbackKey);
            return request;
        }, cancellationToken);
    }

    /// <summary>StopNCII takes PDQ (<c>ImagePDQ</c>) and video MD5 (<c>VideoMD5</c>) hashes.</summary>
    public bool Takes(SignalType type) => SubmittedName(type) is not null;

    /// <summary>
    /// Posts <c>{"count":N,"hashRecords":[{"lastModtimestamp":T,"signalType":"ImagePDQ"|"VideoMD5","hashValue":H,"CSPFeedbacks":[{"feedbackValue":"Blocked","tags":[]}]}]}</c>
    /// to <c>SubmitHashes</c>: one record per signal StopNCII takes, each marked blocked by the platform (a reviewer confirmed it).
    /// </summary>
    public async Task SubmitAsync(ExchangeSubmission submission, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var records = new List<(string Type, string Value)>(submission.Signals.Count);
        foreach (var signal in submission.Signals)
        {
            if (SubmittedName(signal.Type) is { } name)
                records.Add((name, signal.Value));
        }
        if (records.Count == 0)
            throw new ArgumentException($"{submission.Id} has no hash StopNCII takes (it takes pdq and video_md5)");
        byte[] body = SubmitBody(records, submission.SubmittedAt.ToUnixTimeSeconds());
        await _http.SendAsync("SubmitHashes", () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, _submitHashes) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            Authorize(request, _credentials.SubmitKey);
            return request;
        }, cancellationToken);
    }

    private static string? SubmittedName(SignalType type) =>
        type == SignalType.Pdq ? "ImagePDQ" : type == SignalType.VideoMd5 ? "VideoMD5" : null;

    private StopNciiCheckpoint Resume(ExchangeCheckpoint? checkpoint)
    {
        StartedOverBecause = null;
        var fromStart = new StopNciiCheckpoint(StopNciiOptions.FullFetchStartTimestamp, null, InFullFetch: true);
        if (checkpoint is null)
            return fromStart;
        var age = _options.Clock.GetUtcNow() - checkpoint.At;
        if (age > _options.StaleAfter)
            return StartOver($"the checkpoint is {age.TotalDays:0.#} days old, older than {_options.StaleAfter.TotalDays:0.#} days (StopNCII's page tokens and withdrawals do not last that long)");
        var decoded = StopNciiCheckpoint.TryDecode(checkpoint.Value, out string? problem);
        return decoded ?? StartOver($"the checkpoint cannot be read: {problem}");

        StopNciiCheckpoint StartOver(string why)
        {
            StartedOverBecause = why;
            Say($"StopNCII: reading every hash again from the start: {why}");
            return fromStart;
        }
    }

    private HttpRequestMessage FetchRequest(StopNciiCheckpoint position)
    {
        string query = $"?startTimestamp={position.StartTimestamp}&pageSize={_options.PageSize}";
        if (position.NextPageToken is not null)
            query += "&nextPageToken=" + Uri.EscapeDataString(position.NextPageToken);
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_fetchHashes + query));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        Authorize(request, _credentials.FetchFunctionKey);
        return request;
    }

    private void Authorize(HttpRequestMessage request, string functionKey)
    {
        request.Headers.TryAddWithoutValidation(SubscriptionHeader, _credentials.SubscriptionKey);
        request.Headers.TryAddWithoutValidation(FunctionKeyHeader, functionKey);
    }

    /// <summary>The page's records through the StopNCII JSON reader; errors (unknown types, bad values) are skipped and counted.</summary>
    private (List<HashListEntry> Entries, int Skipped) ReadRecords(byte[] body)
    {
        var entries = new List<HashListEntry>();
        int skipped = 0;
        string? firstProblem = null;
        foreach (var item in StopNciiJsonReader.Read(new MemoryStream(body, writable: false)))
        {
            if (item.IsError)
            {
                skipped++;
                firstProblem ??= item.Error.Message;
                continue;
            }
            entries.Add(ForApi(item.Entry));
        }
        if (skipped > 0)
            Say($"StopNCII: skipped {skipped} record(s) of a page, the first because {firstProblem}");
        return (entries, skipped);
    }

    /// <summary>
    /// An entry as the API means it: not from a file (line 0), and its MD5 a video's (the reader also takes a bare
    /// <c>md5</c> in files, but the API's only MD5 type is <c>VideoMD5</c>).
    /// </summary>
    private static HashListEntry ForApi(HashListEntry entry) => entry with
    {
        Line = 0,
        Signals = [.. entry.Signals.Select(s => s.Type == SignalType.Md5 ? new Signal(SignalType.VideoMd5, s.Value) : s)],
    };

    private static byte[] FeedbackBody(string hash, string value)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("count", 1);
            json.WriteStartArray("hashFeedbacks");
            json.WriteStartObject();
            json.WriteString("hashValue", hash);
            json.WriteString("feedbackValue", value);
            json.WriteStartArray("tags");
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static byte[] SubmitBody(List<(string Type, string Value)> records, long timestamp)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("count", records.Count);
            json.WriteStartArray("hashRecords");
            foreach (var (type, value) in records)
            {
                json.WriteStartObject();
                json.WriteNumber("lastModtimestamp", timestamp);
                json.WriteString("signalType", type);
                json.WriteString("hashValue", value);
                json.WriteStartArray("CSPFeedbacks");
                json.WriteStartObject();
                json.WriteString("feedbackValue", "Blocked");
                json.WriteStartArray("tags");
                json.WriteEndArray();
                json.WriteEndObject();
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private void Say(string message) => _options.Log?.Invoke(message);
}
