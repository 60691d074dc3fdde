using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Vigil.Exchanges.Fetching;
using Vigil.Exchanges.Formats;
using Vigil.Hashing.Signals;

namespace Vigil.Exchanges.Clients.Ncmec;

/// <summary>
/// NCMEC's hash-sharing API (v2), read as pages of changes: <c>GET /v2/entries?from=&amp;to=</c> over consecutive time
/// ranges, following each answer's <c>paging/next</c> link; images and videos; deleted entries as removals by source id.
/// NCMEC returns a range's entries out of time order, so only a range's last page carries a checkpoint (its end).
/// MD5, SHA-1 and PDQ fingerprints become signals (a video's MD5 is <c>video_md5</c>); entries with none of them are
/// skipped and counted. Every call goes through <see cref="ExchangeHttp"/> with Basic auth.
/// </summary>
public sealed class NcmecHashClient : IExchangeClient, IExchangeFeedback
{
    private const string Name = "NCMEC";
    private const string SourcePrefix = "ncmec:member:";

    private readonly ExchangeHttp _http;
    private readonly NcmecCredentials _credentials;
    private readonly NcmecOptions _options;
    private readonly string _base;
    private readonly SemaphoreSlim _cacheLock = new(1, 1);
    private readonly Dictionary<string, string> _reasons = new(StringComparer.Ordinal);
    private NcmecMember? _self;

    /// <summary>A client calling through <paramref name="http"/> (infinite Timeout: attempts are timed by <paramref name="httpOptions"/>).</summary>
    public NcmecHashClient(HttpClient http, NcmecCredentials credentials, NcmecOptions? options = null, ExchangeHttpOptions? httpOptions = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        _credentials = credentials ?? throw new ArgumentNullException(nameof(credentials));
        _options = options ?? new NcmecOptions();
        _options.Validate();
        _http = new ExchangeHttp(http, Name, httpOptions);
        _base = _options.ResolveBaseUrl().AbsoluteUri.TrimEnd('/');
    }

    /// <summary>Who the credentials belong to (<c>GET /v2/status</c>): a cheap check that the account and address work.</summary>
    public async Task<NcmecMember> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var answer = await GetAsync("status", "/v2/status", cancellationToken);
        var self = NcmecXml.ReadStatus(answer.Body);
        _self = self;
        return self;
    }

    /// <summary>Every member of the database (<c>GET /v2/members</c>), to name the ids entries carry.</summary>
    public async Task<IReadOnlyList<NcmecMember>> GetMembersAsync(CancellationToken cancellationToken = default) =>
        NcmecXml.ReadMembers((await GetAsync("members", "/v2/members", cancellationToken)).Body);

    /// <inheritdoc/>
    public async IAsyncEnumerable<ExchangePage> FetchAsync(ExchangeCheckpoint? checkpoint, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        long current, startLength;
        if (checkpoint is null)
        {
            current = _options.BackfillStart.ToUnixTimeSeconds();
            startLength = (long)_options.TimeRange.TotalSeconds;
        }
        else
        {
            var resumed = NcmecCheckpoint.Parse(checkpoint);
            current = resumed.To.ToUnixTimeSeconds();
            startLength = resumed.RangeSeconds;
        }
        long end = (_options.Clock.GetUtcNow() - _options.SettleDelay).ToUnixTimeSeconds();
        var planner = new NcmecRangePlanner(_options, startLength);

        while (current < end)
        {
            long rangeEnd = Math.Min(end, current + planner.Seconds);
            var from = DateTimeOffset.FromUnixTimeSeconds(current);
            var to = DateTimeOffset.FromUnixTimeSeconds(rangeEnd);
            string link = FirstLink(from, to);
            bool first = true, split = false;
            long inRange = 0;
            while (true)
            {
                var answer = await GetAsync("entries", link, cancellationToken);
                var info = NcmecXml.ReadPage(answer.Body);
                if (first && planner.ShouldSplit(info.Estimate))
                {
                    // Nothing of this range was returned yet: read it again, shorter.
                    split = true;
                    break;
                }
                first = false;
                var (entries, skipped) = Convert(answer.Body, info);
                inRange += info.EntryIsVideo.Count;
                ExchangeCheckpoint? done = null;
                if (info.Next is null)
                {
                    planner.Finished(inRange);
                    done = new NcmecCheckpoint(from, to, planner.Seconds).ToExchange();
                }
                yield return new ExchangePage(entries, done) { Skipped = skipped };
                if (info.Next is null)
                    break;
                link = CheckedNext(info.Next, link);
            }
            if (!split)
                current = rangeEnd;
        }
    }

    /// <summary>NCMEC takes both: affirmative feedback for <see cref="ExchangeOpinion.Confirmed"/>, negative for <see cref="ExchangeOpinion.FalsePositive"/>.</summary>
    public bool Accepts(ExchangeOpinion opinion) => opinion is ExchangeOpinion.Confirmed or ExchangeOpinion.FalsePositive;

    /// <summary>
    /// Sends entry feedback, <c>PUT /v2/entries/{member}/{entry}/{MD5|SHA1|PDQ}/feedback</c>, once per fingerprint type among
    /// the feedback's signals, with the account's own member id (from <c>/v2/status</c>, asked once) as python-threatexchange
    /// does. A false positive carries a reason from <c>/v2/feedback/{type}/reasons</c> (<see cref="NcmecOptions.FalsePositiveReason"/>
    /// or the first listed), asked once per type.
    /// </summary>
    /// <exception cref="ArgumentException">None of the signals is one NCMEC takes feedback on.</exception>
    public async Task SendFeedbackAsync(ExchangeFeedback feedback, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        ArgumentException.ThrowIfNullOrEmpty(feedback.EntryId, nameof(feedback));
        var types = feedback.Signals.Select(s => FeedbackType(s.Type)).OfType<string>().Distinct().ToList();
        if (types.Count == 0)
            throw new ArgumentException($"NCMEC takes feedback on md5, sha1 and pdq fingerprints; entry '{feedback.EntryId}' names none", nameof(feedback));
        var self = _self ?? await GetStatusAsync(cancellationToken);
        foreach (string type in types)
        {
            string? reason = feedback.Opinion == ExchangeOpinion.FalsePositive ? await ReasonAsync(type, cancellationToken) : null;
            byte[] body = NcmecXml.FeedbackBody(reason);
            string path = $"/v2/entries/{self.Id}/{Uri.EscapeDataString(feedback.EntryId)}/{type}/feedback";
            await _http.SendAsync($"feedback on {type}", () =>
            {
                var request = Request(HttpMethod.Put, path);
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
                return request;
            }, cancellationToken);
        }
    }

    private async Task<string> ReasonAsync(string type, CancellationToken cancellationToken)
    {
        await _cacheLock.WaitAsync(cancellationToken);
        try
        {
            if (_reasons.TryGetValue(type, out string? cached))
                return cached;
            var reasons = NcmecXml.ReadReasons((await GetAsync($"{type} feedback reasons", $"/v2/feedback/{type}/reasons", cancellationToken)).Body);
            string? wanted = _options.FalsePositiveReason;
            var chosen = wanted is null
                ? reasons.FirstOrDefault()
                : reasons.FirstOrDefault(r => r.Guid.Equals(wanted, StringComparison.OrdinalIgnoreCase) || r.Name.Equals(wanted, StringComparison.OrdinalIgnoreCase));
            if (chosen.Guid is null)
                throw new ExchangeProtocolException(wanted is null
                    ? $"NCMEC lists no negative feedback reason for {type}"
                    : $"NCMEC lists no negative feedback reason '{wanted}' for {type} (listed: {string.Join(", ", reasons.Select(r => r.Name))})");
            _reasons[type] = chosen.Guid;
            return chosen.Guid;
        }
        finally
        {
            _cacheLock.Release();
        }
    }

    private static string? FeedbackType(SignalType type) =>
        type == SignalType.Md5 || type == SignalType.VideoMd5 ? "MD5"
        : type == SignalType.Sha1 ? "SHA1"
        : type == SignalType.Pdq ? "PDQ"
        : null;

    private string FirstLink(DateTimeOffset from, DateTimeOffset to)
    {
        string link = $"/v2/entries?from={Uri.EscapeDataString(NcmecCheckpoint.Format(from))}&to={Uri.EscapeDataString(NcmecCheckpoint.Format(to))}";
        return _options.PageSize is { } size ? $"{link}&start=1&size={size}" : link;
    }

    /// <summary>The next page's link must stay under the base address and must move on.</summary>
    private static string CheckedNext(string next, string previous)
    {
        if (!next.StartsWith("/v2/", StringComparison.Ordinal) || next.Contains("..", StringComparison.Ordinal) || next.Contains('\\', StringComparison.Ordinal))
            throw new ExchangeProtocolException($"NCMEC: a next-page link is not a /v2/ path under the base address: '{Shorten(next)}'");
        if (next == previous)
            throw new ExchangeProtocolException($"NCMEC: the next-page link repeats the page just read: '{Shorten(next)}'");
        return next;
    }

    private (List<HashListEntry> Entries, int Skipped) Convert(byte[] body, NcmecXml.PageInfo info)
    {
        var entries = new List<HashListEntry>(info.EntryIsVideo.Count);
        int skipped = 0, index = 0;
        foreach (var item in NcmecXmlReader.Read(new MemoryStream(body, writable: false)))
        {
            if (index >= info.EntryIsVideo.Count)
                throw new ExchangeProtocolException($"NCMEC: an entries page could not be read: {item}");
            bool video = info.EntryIsVideo[index++];
            if (item.IsError)
            {
                skipped++;
                continue;
            }
            var entry = item.Entry;
            if (!Wanted(entry.Source))
                continue;
            IReadOnlyList<Signal> signals = video && entry.Signals.Any(s => s.Type == SignalType.Md5)
                ? [.. entry.Signals.Select(s => s.Type == SignalType.Md5 ? new Signal(SignalType.VideoMd5, s.Value) : s)]
                : entry.Signals;
            entries.Add(entry with { Line = 0, Signals = signals });
        }
        if (index != info.EntryIsVideo.Count)
            throw new ExchangeProtocolException($"NCMEC: an entries page held {info.EntryIsVideo.Count} entries but {index} could be read");
        return (entries, skipped);
    }

    private bool Wanted(string? source)
    {
        if (_options.Members is not { Count: > 0 } members)
            return true;
        return source is not null && source.StartsWith(SourcePrefix, StringComparison.Ordinal)
            && int.TryParse(source.AsSpan(SourcePrefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int id)
            && members.Contains(id);
    }

    private Task<ExchangeAnswer> GetAsync(string what, string path, CancellationToken cancellationToken) =>
        _http.SendAsync(what, () => Request(HttpMethod.Get, path), cancellationToken);

    private HttpRequestMessage Request(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, _base + path);
        request.Headers.Authorization = _credentials.BasicHeader();
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/xml"));
        return request;
    }

    private static string Shorten(string text) => text.Length <= 120 ? text : text[..120] + "...";
}
