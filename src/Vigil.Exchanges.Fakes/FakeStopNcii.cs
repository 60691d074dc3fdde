using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Vigil.Exchanges.Fakes;

/// <summary>
/// A fake StopNCII hash API on <see cref="FakeExchangeHost"/> (127.0.0.1 only) speaking the shapes of
/// python-threatexchange's StopNCII client: <c>GET /v1/FetchHashes?startTimestamp=&amp;pageSize=&amp;nextPageToken=</c>
/// answers <c>{"count","nextPageToken","nextSetTimestamp","hasMoreRecords","hashRecords"}</c> with the records changed at
/// or after <c>startTimestamp</c>, oldest change first; <c>POST /v1/SubmitFeedback</c> takes
/// <c>{"count","hashFeedbacks":[{"hashValue","feedbackValue","tags"}]}</c> and records it; <c>POST /v1/SubmitHashes</c> takes
/// <c>{"count","hashRecords":[{"lastModtimestamp","signalType","hashValue","CSPFeedbacks"}]}</c>, records it and lists each
/// hash as an active record (StopNCII shares what platforms submit). Each needs the subscription key
/// (<c>Ocp-Apim-Subscription-Key</c>) and the endpoint's function key (<c>x-functions-key</c>), else 401.
/// </summary>
/// <remarks>
/// Page tokens are the position after the page's last record, so a record changed while a fetch pages moves to the end
/// and is still read; after the last page <c>nextSetTimestamp</c> is one second past the newest change read (the fake
/// stamps changes in whole, increasing seconds), so resuming there reads nothing twice. <see cref="ExpirePageTokens"/>
/// makes every token handed out so far answer 400, as an old token would. Failures: <see cref="Inject"/>.
/// </remarks>
public sealed class FakeStopNcii : IAsyncDisposable
{
    /// <summary>The fetch endpoint's path.</summary>
    public const string FetchPath = "/v1/FetchHashes";

    /// <summary>The feedback endpoint's path.</summary>
    public const string FeedbackPath = "/v1/SubmitFeedback";

    /// <summary>The submission endpoint's path.</summary>
    public const string SubmitPath = "/v1/SubmitHashes";

    /// <summary>The subscription key the fake takes unless told another (a test value, not a secret).</summary>
    public const string DefaultSubscriptionKey = "fake-stopncii-subscription-key";

    /// <summary>The fetch function key the fake takes unless told another (a test value, not a secret).</summary>
    public const string DefaultFetchFunctionKey = "fake-stopncii-fetch-function-key";

    private static readonly string[] s_feedbackValues =
        ["Unknown", "None", "QualityUnknown", "PendingReview", "Blocked", "NotBlocked", "Withdrawn", "Deleted"];

    private readonly object _lock = new();
    private readonly Dictionary<(string Type, string Hash), FakeStopNciiRecord> _records = [];
    private readonly List<FakeStopNciiFeedback> _feedback = [];
    private readonly List<FakeStopNciiSubmission> _submissions = [];
    private readonly string _subscriptionKey;
    private readonly string _fetchKey;
    private readonly string _feedbackKey;
    private readonly string _submitKey;
    private long _lastStamp = 1_700_000_000;
    private int _tokenGeneration;
    private FakeExchangeHost _host = null!;

    private FakeStopNcii(string subscriptionKey, string fetchKey, string feedbackKey, string submitKey)
    {
        _submitKey = submitKey;
        _subscriptionKey = subscriptionKey;
        _fetchKey = fetchKey;
        _feedbackKey = feedbackKey;
    }

    /// <summary>The host: its <see cref="FakeExchangeHost.Requests"/> log and request counts.</summary>
    public FakeExchangeHost Host => _host;

    /// <summary>The API root to give a client, e.g. <c>http://127.0.0.1:40123/v1/</c>.</summary>
    public Uri BaseUrl => new(_host.BaseAddress, "v1/");

    /// <summary>The hashes, by their last change.</summary>
    public IReadOnlyList<FakeStopNciiRecord> Records
    {
        get
        {
            lock (_lock)
                return [.. _records.Values.OrderBy(r => r.LastModTimestamp).ThenBy(r => r.SignalType, StringComparer.Ordinal).ThenBy(r => r.HashValue, StringComparer.Ordinal)];
        }
    }

    /// <summary>The hashes submitted through <c>SubmitHashes</c>, in order.</summary>
    public IReadOnlyList<FakeStopNciiSubmission> Submissions
    {
        get
        {
            lock (_lock)
                return [.. _submissions];
        }
    }

    /// <summary>The feedback received, in order.</summary>
    public IReadOnlyList<FakeStopNciiFeedback> Feedback
    {
        get
        {
            lock (_lock)
                return [.. _feedback];
        }
    }

    /// <summary>Requests refused for their keys (401 from the fake itself, not injected ones).</summary>
    public int Refused { get; private set; }

    /// <summary>
    /// Starts a fake taking these keys; SubmitFeedback takes <paramref name="feedbackFunctionKey"/> and SubmitHashes
    /// <paramref name="submitFunctionKey"/>, or the fetch key when null (as when StopNCII issues one function key for every endpoint).
    /// </summary>
    public static async Task<FakeStopNcii> StartAsync(string subscriptionKey = DefaultSubscriptionKey, string fetchFunctionKey = DefaultFetchFunctionKey,
        string? feedbackFunctionKey = null, CancellationToken cancellationToken = default, string? submitFunctionKey = null)
    {
        var fake = new FakeStopNcii(subscriptionKey, fetchFunctionKey, feedbackFunctionKey ?? fetchFunctionKey, submitFunctionKey ?? fetchFunctionKey);
        fake._host = await FakeExchangeHost.StartAsync((app, _) =>
        {
            app.Map(FetchPath, fake.FetchAsync);
            app.Map(FeedbackPath, fake.SubmitFeedbackAsync);
            app.Map(SubmitPath, fake.SubmitHashesAsync);
        }, cancellationToken: cancellationToken);
        return fake;
    }

    /// <summary>A synthetic PDQ value (64 hex digits) for <paramref name="n"/>: a digest of a counter, not of any image.</summary>
    public static string SyntheticPdq(int n) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"vigil-synthetic-stopncii-pdq-{n}")));

    /// <summary>A synthetic video MD5 value (32 hex digits) for <paramref name="n"/>: a digest of a counter, not of any video.</summary>
    public static string SyntheticMd5(int n) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes($"vigil-synthetic-stopncii-md5-{n}")));

    /// <summary>
    /// Adds or replaces the hash (<paramref name="signalType"/>, <paramref name="hashValue"/>), changed at
    /// <paramref name="lastModTimestamp"/> (default: one second after the latest change so far).
    /// </summary>
    public FakeStopNciiRecord Put(string signalType, string hashValue, string hashStatus = "Active", long? lastModTimestamp = null,
        IReadOnlyDictionary<string, string>? caseNumbers = null)
    {
        lock (_lock)
        {
            long stamp = lastModTimestamp ?? _lastStamp + 1;
            _lastStamp = Math.Max(_lastStamp, stamp);
            var record = new FakeStopNciiRecord(signalType, hashValue, hashStatus, stamp,
                caseNumbers ?? new Dictionary<string, string> { [CaseId(signalType, hashValue)] = hashStatus });
            _records[(signalType, hashValue)] = record;
            return record;
        }
    }

    /// <summary>Adds <paramref name="count"/> synthetic active hashes numbered from <paramref name="first"/> (PDQ unless told <c>VideoMD5</c>).</summary>
    public IReadOnlyList<FakeStopNciiRecord> AddSynthetic(int count, int first = 0, string signalType = "ImagePDQ")
    {
        var added = new List<FakeStopNciiRecord>(count);
        for (int i = first; i < first + count; i++)
            added.Add(Put(signalType, signalType == "VideoMD5" ? SyntheticMd5(i) : SyntheticPdq(i)));
        return added;
    }

    /// <summary>Marks the hash withdrawn by the person who submitted it (a change now, or at <paramref name="at"/>).</summary>
    public FakeStopNciiRecord Withdraw(string hashValue, long? at = null) => SetStatus(hashValue, "Withdrawn", at);

    /// <summary>Marks the hash deleted (a change now, or at <paramref name="at"/>).</summary>
    public FakeStopNciiRecord Delete(string hashValue, long? at = null) => SetStatus(hashValue, "Deleted", at);

    /// <summary>Forgets the hash altogether, as StopNCII does with withdrawals after a while: FetchHashes no longer lists it.</summary>
    public void Purge(string hashValue)
    {
        lock (_lock)
        {
            foreach (var key in _records.Keys.Where(k => k.Hash == hashValue).ToList())
                _records.Remove(key);
        }
    }

    /// <summary>Forgets every hash and every feedback (the fake's clock keeps going).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _records.Clear();
            _feedback.Clear();
        }
    }

    /// <summary>Makes every page token handed out so far unusable (HTTP 400), as StopNCII's tokens are after a while.</summary>
    public void ExpirePageTokens() => Interlocked.Increment(ref _tokenGeneration);

    /// <summary>Answers the next <paramref name="times"/> requests to <paramref name="path"/> (<see cref="FetchPath"/> or <see cref="FeedbackPath"/>)
    /// with <paramref name="failure"/>, after letting <paramref name="after"/> of them pass.</summary>
    public void Inject(string path, FakeExchangeFailure failure, int times = 1, int after = 0) => _host.Inject(path, failure, times, after);

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private FakeStopNciiRecord SetStatus(string hashValue, string status, long? at)
    {
        lock (_lock)
        {
            var existing = _records.Values.FirstOrDefault(r => r.HashValue == hashValue)
                ?? throw new KeyNotFoundException($"the fake StopNCII has no hash {hashValue}");
            return Put(existing.SignalType, existing.HashValue, status, at,
                existing.CaseNumbers.ToDictionary(c => c.Key, _ => status));
        }
    }

    private static string CaseId(string signalType, string hashValue)
    {
        byte[] digest = SHA256.HashData(Encoding.UTF8.GetBytes($"case:{signalType}:{hashValue}"));
        return new Guid(digest.AsSpan(0, 16)).ToString();
    }

    private bool Authorized(HttpContext context, string functionKey)
    {
        if (context.Request.Headers["Ocp-Apim-Subscription-Key"] == _subscriptionKey && context.Request.Headers["x-functions-key"] == functionKey)
            return true;
        lock (_lock)
            Refused++;
        return false;
    }

    private static async Task AnswerAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
            write(json);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
    }

    private static Task ErrorAsync(HttpContext context, int status, string message) => AnswerAsync(context, status, json =>
    {
        json.WriteStartObject();
        json.WriteNumber("statusCode", status);
        json.WriteString("message", message);
        json.WriteEndObject();
    });

    private async Task FetchAsync(HttpContext context)
    {
        if (!HttpMethods.IsGet(context.Request.Method))
        {
            await ErrorAsync(context, 405, "FetchHashes is a GET");
            return;
        }
        if (!Authorized(context, _fetchKey))
        {
            await ErrorAsync(context, 401, "Access denied: a valid subscription key and function key are required");
            return;
        }
        var query = context.Request.Query;
        if (!long.TryParse(query["startTimestamp"], out long start) || start < 0)
        {
            await ErrorAsync(context, 400, "startTimestamp must be a Unix time in seconds");
            return;
        }
        int pageSize = 800;
        if (query.ContainsKey("pageSize") && (!int.TryParse(query["pageSize"], out pageSize) || pageSize < 1))
        {
            await ErrorAsync(context, 400, "pageSize must be a positive number");
            return;
        }
        (long Stamp, string Type, string Hash)? after = null;
        if (query["nextPageToken"].ToString() is { Length: > 0 } token)
        {
            if (!TryReadToken(token, start, out var cursor))
            {
                await ErrorAsync(context, 400, "nextPageToken is invalid or expired");
                return;
            }
            after = cursor;
        }

        List<FakeStopNciiRecord> page;
        bool more;
        long newest;
        lock (_lock)
        {
            var candidates = _records.Values.Where(r => r.LastModTimestamp >= start);
            newest = candidates.Select(r => r.LastModTimestamp).DefaultIfEmpty(start - 1).Max() + 1;
            var ordered = candidates
                .Where(r => after is not { } a || Compare(r, a) > 0)
                .OrderBy(r => r.LastModTimestamp).ThenBy(r => r.SignalType, StringComparer.Ordinal).ThenBy(r => r.HashValue, StringComparer.Ordinal)
                .Take(pageSize + 1)
                .ToList();
            more = ordered.Count > pageSize;
            page = more ? ordered[..pageSize] : ordered;
        }
        // An empty last page still hands out a token (as StopNCII does); it points where the fetch stands.
        string nextToken = page.Count > 0 ? WriteToken(start, page[^1])
            : after is { } a ? WriteToken(start, a.Stamp, a.Type, a.Hash)
            : WriteToken(start, start - 1, "", "");
        long nextSet = more ? page[^1].LastModTimestamp : Math.Max(start, newest);

        await AnswerAsync(context, 200, json =>
        {
            json.WriteStartObject();
            json.WriteNumber("count", page.Count);
            json.WriteString("nextPageToken", nextToken);
            json.WriteNumber("nextSetTimestamp", nextSet);
            json.WriteBoolean("hasMoreRecords", more);
            json.WriteStartArray("hashRecords");
            foreach (var record in page)
            {
                json.WriteStartObject();
                json.WriteNumber("lastModtimestamp", record.LastModTimestamp);
                json.WriteString("signalType", record.SignalType);
                json.WriteString("hashValue", record.HashValue);
                json.WriteString("hashStatus", record.HashStatus);
                json.WriteStartObject("caseNumbers");
                foreach (var (id, status) in record.CaseNumbers)
                    json.WriteString(id, status);
                json.WriteEndObject();
                json.WriteStartArray("CSPFeedbacks");
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    private static int Compare(FakeStopNciiRecord record, (long Stamp, string Type, string Hash) cursor)
    {
        int c = record.LastModTimestamp.CompareTo(cursor.Stamp);
        if (c == 0)
            c = string.CompareOrdinal(record.SignalType, cursor.Type);
        if (c == 0)
            c = string.CompareOrdinal(record.HashValue, cursor.Hash);
        return c;
    }

    private string WriteToken(long start, FakeStopNciiRecord last) => WriteToken(start, last.LastModTimestamp, last.SignalType, last.HashValue);

    private string WriteToken(long start, long stamp, string type, string hash) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Volatile.Read(ref _tokenGeneration)}|{start}|{stamp}|{type}|{hash}"));

    private bool TryReadToken(string token, long start, out (long Stamp, string Type, string Hash) cursor)
    {
        cursor = default;
        string text;
        try
        {
            text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            return false;
        }
        string[] parts = text.Split('|');
        if (parts.Length != 5 || !int.TryParse(parts[0], out int generation) || generation != Volatile.Read(ref _tokenGeneration)
            || !long.TryParse(parts[1], out long tokenStart) || tokenStart != start || !long.TryParse(parts[2], out long stamp))
            return false;
        cursor = (stamp, parts[3], parts[4]);
        return true;
    }

    private async Task SubmitFeedbackAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            await ErrorAsync(context, 405, "SubmitFeedback is a POST");
            return;
        }
        if (!Authorized(context, _feedbackKey))
        {
            await ErrorAsync(context, 401, "Access denied: a valid subscription key and function key are required");
            return;
        }
        var received = new List<FakeStopNciiFeedback>();
        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body);
            var root = document.RootElement;
            var items = root.GetProperty("hashFeedbacks");
            if (root.GetProperty("count").GetInt32() != items.GetArrayLength())
                throw new FormatException("count is not the number of hashFeedbacks");
            foreach (var item in items.EnumerateArray())
            {
                string hash = item.GetProperty("hashValue").GetString() ?? throw new FormatException("hashValue is null");
                string value = item.GetProperty("feedbackValue").GetString() ?? throw new FormatException("feedbackValue is null");
                if (!s_feedbackValues.Contains(value))
                    throw new FormatException($"unknown feedbackValue {value}");
                var tags = item.TryGetProperty("tags", out var t) ? t.EnumerateArray().Select(x => x.GetString() ?? "").ToList() : [];
                received.Add(new FakeStopNciiFeedback(hash, value, tags));
            }
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            await ErrorAsync(context, 400, $"the body is not a SubmitFeedback request: {e.Message}");
            return;
        }
        lock (_lock)
            _feedback.AddRange(received);
        await AnswerAsync(context, 200, json =>
        {
            json.WriteStartObject();
            json.WriteNumber("count", received.Count);
            json.WriteEndObject();
        });
    }

    private async Task SubmitHashesAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            await ErrorAsync(context, 405, "SubmitHashes is a POST");
            return;
        }
        if (!Authorized(context, _submitKey))
        {
            await ErrorAsync(context, 401, "Access denied: a valid subscription key and function key are required");
            return;
        }
        var received = new List<FakeStopNciiSubmission>();
        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body);
            var root = document.RootElement;
            var records = root.GetProperty("hashRecords");
            if (root.GetProperty("count").GetInt32() != records.GetArrayLength() || records.GetArrayLength() == 0)
                throw new FormatException("count is not the number of hashRecords, or there are none");
            foreach (var record in records.EnumerateArray())
            {
                string type = record.GetProperty("signalType").GetString() ?? throw new FormatException("signalType is null");
                if (type is not ("ImagePDQ" or "VideoMD5"))
                    throw new FormatException($"unsupported signalType {type}");
                string hash = record.GetProperty("hashValue").GetString() ?? throw new FormatException("hashValue is null");
                if (hash.Length != (type == "ImagePDQ" ? 64 : 32) || !hash.All(Uri.IsHexDigit))
                    throw new FormatException($"hashValue of a {type} must be {(type == "ImagePDQ" ? 64 : 32)} hex digits");
                long stamp = record.GetProperty("lastModtimestamp").GetInt64();
                var feedbacks = record.GetProperty("CSPFeedbacks");
                string value = feedbacks.GetArrayLength() == 1 ? feedbacks[0].GetProperty("feedbackValue").GetString() ?? "" : "";
                if (!s_feedbackValues.Contains(value))
                    throw new FormatException("CSPFeedbacks must hold one feedback with a known feedbackValue");
                received.Add(new FakeStopNciiSubmission(type, hash, value, stamp));
            }
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            await ErrorAsync(context, 400, $"the body is not a SubmitHashes request: {e.Message}");
            return;
        }
        lock (_lock)
            _submissions.AddRange(received);
        foreach (var submission in received)
            Put(submission.SignalType, submission.HashValue);
        await AnswerAsync(context, 200, json =>
        {
            json.WriteStartObject();
            json.WriteNumber("count", received.Count);
            json.WriteEndObject();
        });
    }
}
