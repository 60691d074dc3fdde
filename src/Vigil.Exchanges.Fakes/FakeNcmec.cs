using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Vigil.Exchanges.Fakes;

/// <summary>
/// A fake of NCMEC's hash-sharing API (v2) under <c>/hashsharing</c> on a <see cref="FakeExchangeHost"/>: Basic auth;
/// <c>GET /v2/status</c>, <c>/v2/members</c>, <c>/v2/entries?from=&amp;to=</c> (from inclusive, to exclusive) with pages
/// of <c>size</c> and <c>paging/next</c> links carrying <c>start</c>, <c>size</c> and <c>max</c> as NCMEC's do, each range's
/// entries in a scrambled order (never by time, as NCMEC answers); <c>/v2/feedback/{type}/reasons</c> and
/// <c>PUT /v2/entries/{member}/{id}/{type}/feedback</c>, which it records. Entries hold their latest state: deleting one
/// moves it to the deletion's time as a <c>deletedImage</c>/<c>deletedVideo</c>. Failures through <see cref="Host"/>'s
/// <see cref="FakeExchangeHost.Inject"/> (paths start with <see cref="PathPrefix"/>).
/// </summary>
public sealed class FakeNcmec : IAsyncDisposable
{
    /// <summary>Where the API lives on the host, as NCMEC's industry address has <c>/hashsharing</c>.</summary>
    public const string PathPrefix = "/hashsharing";

    private const string Ns = "https://hashsharing.ncmec.org/hashsharing/v2";
    private static readonly XNamespace X = Ns;

    private readonly object _lock = new();
    private readonly Dictionary<(int, string), FakeNcmecEntry> _entries = [];
    private readonly SortedDictionary<int, string> _members = [];
    private readonly Dictionary<string, List<(string Guid, string Name)>> _reasons = new(StringComparer.OrdinalIgnoreCase)
    {
        ["MD5"] = [("00000000-0000-4000-8000-00000000a001", "Not CSAM"), ("00000000-0000-4000-8000-00000000a002", "Wrong classification")],
        ["SHA1"] = [("00000000-0000-4000-8000-00000000b001", "Not CSAM")],
        ["PDQ"] = [("00000000-0000-4000-8000-00000000c001", "Not CSAM"), ("00000000-0000-4000-8000-00000000c002", "Perceptual collision")],
    };
    private readonly List<FakeNcmecFeedback> _feedback = [];
    private readonly string _authorization;

    private FakeNcmec(string user, string password)
    {
        User = user;
        Password = password;
        _authorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
    }

    /// <summary>The host (its requests, injected failures).</summary>
    public FakeExchangeHost Host { get; private set; } = null!;

    /// <summary>The base URL a client is given: the host's address with <see cref="PathPrefix"/>.</summary>
    public Uri BaseUrl => new(Host.BaseAddress, PathPrefix.TrimStart('/'));

    /// <summary>The user name the fake accepts.</summary>
    public string User { get; }

    /// <summary>The password the fake accepts (synthetic).</summary>
    public string Password { get; }

    /// <summary>The page size when a request names none (NCMEC's is 1,000).</summary>
    public int DefaultPageSize { get; set; } = 1000;

    /// <summary>Who <c>/v2/status</c> says the account is.</summary>
    public (int Id, string Name) Self { get; set; } = (1, "Vigil Test ESP");

    /// <summary>Starts a fake accepting <paramref name="user"/> and <paramref name="password"/>.</summary>
    public static async Task<FakeNcmec> StartAsync(string user = "vigil-test", string password = "synthetic-password-0",
        CancellationToken cancellationToken = default)
    {
        var fake = new FakeNcmec(user, password);
        fake.Host = await FakeExchangeHost.StartAsync((app, _) => fake.Map(app), cancellationToken: cancellationToken);
        return fake;
    }

    /// <summary>Adds a member that <c>/v2/members</c> lists (and entries of it name).</summary>
    public void AddMember(int id, string name)
    {
        lock (_lock)
            _members[id] = name;
    }

    /// <summary>Adds an entry, or replaces the one with its member and id (an update, at its new time).</summary>
    public void Add(FakeNcmecEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_lock)
            _entries[(entry.MemberId, entry.Id)] = entry;
    }

    /// <summary>Deletes an entry at <paramref name="at"/>: it is then answered as deleted in the range holding <paramref name="at"/>.</summary>
    public void Delete(int memberId, string id, DateTimeOffset at)
    {
        lock (_lock)
        {
            bool video = _entries.TryGetValue((memberId, id), out var old) && old.IsVideo;
            _entries[(memberId, id)] = new FakeNcmecEntry(memberId, id, at, video, Deleted: true);
        }
    }

    /// <summary>Adds a negative feedback reason for a fingerprint type (MD5, SHA1, PDQ have two or one already).</summary>
    public void AddReason(string fingerprintType, string guid, string name)
    {
        lock (_lock)
        {
            if (!_reasons.TryGetValue(fingerprintType, out var list))
                _reasons[fingerprintType] = list = [];
            list.Add((guid, name));
        }
    }

    /// <summary>The negative feedback reasons of a fingerprint type.</summary>
    public IReadOnlyList<(string Guid, string Name)> Reasons(string fingerprintType)
    {
        lock (_lock)
            return _reasons.TryGetValue(fingerprintType, out var list) ? [.. list] : [];
    }

    /// <summary>Every entry held, in its latest state.</summary>
    public IReadOnlyList<FakeNcmecEntry> Entries
    {
        get
        {
            lock (_lock)
                return [.. _entries.Values];
        }
    }

    /// <summary>The feedback received, in order.</summary>
    public IReadOnlyList<FakeNcmecFeedback> Feedback
    {
        get
        {
            lock (_lock)
                return [.. _feedback];
        }
    }

    /// <summary>How many <c>GET /v2/entries</c> requests were answered (pages, with injected failures).</summary>
    public int EntryPageRequests => Host.Requests.Count(r => r.StartsWith($"GET {PathPrefix}/v2/entries?", StringComparison.Ordinal));

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => Host.DisposeAsync();

    private void Map(WebApplication app)
    {
        app.MapGet(PathPrefix + "/v2/status", Authorized(StatusAsync));
        app.MapGet(PathPrefix + "/v2/members", Authorized(MembersAsync));
        app.MapGet(PathPrefix + "/v2/entries", Authorized(EntriesAsync));
        app.MapGet(PathPrefix + "/v2/feedback/{type}/reasons", Authorized(ReasonsAsync));
        app.MapPut(PathPrefix + "/v2/entries/{member}/{id}/{type}/feedback", Authorized(FeedbackAsync));
    }

    private RequestDelegate Authorized(RequestDelegate next) => context =>
    {
        if (!string.Equals(context.Request.Headers.Authorization.ToString(), _authorization, StringComparison.Ordinal))
        {
            context.Response.StatusCode = 401;
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"hashsharing\"";
            return Task.CompletedTask;
        }
        return next(context);
    };

    private Task StatusAsync(HttpContext context)
    {
        var (id, name) = Self;
        return WriteAsync(context, new XElement(X + "status",
            new XElement(X + "ipAddress", "127.0.0.1"),
            new XElement(X + "username", User),
            Member(id, name)));
    }

    private Task MembersAsync(HttpContext context)
    {
        List<KeyValuePair<int, string>> members;
        lock (_lock)
            members = [.. _members];
        return WriteAsync(context, new XElement(X + "members", members.Select(m => Member(m.Key, m.Value))));
    }

    private Task EntriesAsync(HttpContext context)
    {
        var query = context.Request.Query;
        if (!TryTime(query["from"], out var from) || !TryTime(query["to"], out var to))
            return BadRequest(context, "from and to are required, as yyyy-MM-ddTHH:mm:ssZ");
        int start = TryInt(query["start"]) ?? 1, size = TryInt(query["size"]) ?? DefaultPageSize;
        if (start < 1 || size < 1)
            return BadRequest(context, "start and size must be positive");

        List<FakeNcmecEntry> inRange;
        Dictionary<int, string> names;
        lock (_lock)
        {
            inRange = [.. _entries.Values.Where(e => e.Timestamp >= from && e.Timestamp < to)];
            names = new Dictionary<int, string>(_members);
        }
        // NCMEC answers a range's entries out of time order: scramble them, stably across pages.
        inRange.Sort((a, b) => Scramble(a).CompareTo(Scramble(b)) is var c and not 0 ? c : string.CompareOrdinal(a.Id, b.Id));
        var page = inRange.Skip(start - 1).Take(size).ToList();

        var root = new XElement(X + "queryResult");
        foreach (bool video in new[] { false, true })
        {
            var kind = page.Where(e => e.IsVideo == video).ToList();
            if (kind.Count == 0)
                continue;
            root.Add(new XElement(X + (video ? "videos" : "images"),
                new XAttribute("count", kind.Count),
                new XAttribute("maxTimestamp", Format(kind.Max(e => e.Timestamp))),
                kind.Select(e => Entry(e, names))));
        }
        int nextStart = start + size;
        if (nextStart <= inRange.Count)
        {
            string link = $"/v2/entries?from={Uri.EscapeDataString(FormatMillis(from))}&to={Uri.EscapeDataString(FormatMillis(to))}"
                + $"&start={nextStart}&size={size}&max={inRange.Count}";
            root.Add(new XElement(X + "paging", new XElement(X + "next", link)));
        }
        return WriteAsync(context, root);
    }

    private Task ReasonsAsync(HttpContext context)
    {
        string type = (string)context.Request.RouteValues["type"]!;
        var reasons = Reasons(type);
        return WriteAsync(context, new XElement(X + "feedbackReasons",
            new XElement(X + "availableFeedbackReasons",
                reasons.Select(r => new XElement(X + "reason", new XAttribute("guid", r.Guid), new XAttribute("name", r.Name), new XAttribute("type", type.ToUpperInvariant()))))));
    }

    private async Task FeedbackAsync(HttpContext context)
    {
        var route = context.Request.RouteValues;
        string type = ((string)route["type"]!).ToUpperInvariant(), id = (string)route["id"]!;
        if (!int.TryParse((string)route["member"]!, NumberStyles.None, CultureInfo.InvariantCulture, out int member))
        {
            await BadRequest(context, "member must be a number");
            return;
        }
        XElement body;
        try
        {
            body = await XElement.LoadAsync(context.Request.Body, LoadOptions.None, context.RequestAborted);
        }
        catch (XmlException e)
        {
            await BadRequest(context, "malformed XML: " + e.Message);
            return;
        }
        bool affirmative = body.Elements().Any(e => e.Name.LocalName == "affirmative");
        var negative = body.Elements().FirstOrDefault(e => e.Name.LocalName == "negative");
        var guids = negative?.Descendants().Where(e => e.Name.LocalName == "guid").Select(e => e.Value.Trim()).ToList() ?? [];
        if (body.Name.LocalName != "feedbackSubmission" || affirmative == (negative is not null))
        {
            await BadRequest(context, "a feedbackSubmission holds affirmative or negative");
            return;
        }
        lock (_lock)
        {
            if (!_entries.Keys.Any(k => k.Item2 == id))
            {
                context.Response.StatusCode = 404;
                return;
            }
            var valid = _reasons.TryGetValue(type, out var list) ? list.Select(r => r.Guid).ToHashSet() : [];
            if (negative is not null && (guids.Count == 0 || guids.Any(g => !valid.Contains(g))))
            {
                context.Response.StatusCode = 400;
                return;
            }
            _feedback.Add(new FakeNcmecFeedback(member, id, type, affirmative, guids));
        }
        await WriteAsync(context, new XElement(X + "submissionResult"));
    }

    private static XElement Entry(FakeNcmecEntry e, Dictionary<int, string> names)
    {
        string element = (e.Deleted ? "deleted" : "") + (e.IsVideo ? (e.Deleted ? "Video" : "video") : (e.Deleted ? "Image" : "image"));
        var entry = new XElement(X + element,
            Member(e.MemberId, names.TryGetValue(e.MemberId, out var name) ? name : $"Member {e.MemberId}"),
            new XElement(X + "timestamp", Format(e.Timestamp)),
            new XElement(X + "id", e.Id));
        if (e.Deleted)
            return entry;
        if (e.Classification is not null)
            entry.Add(new XElement(X + "classification", e.Classification));
        entry.Add(new XElement(X + "fingerprints", (e.Fingerprints ?? []).Select(f => new XElement(X + f.Key, f.Value))));
        return entry;
    }

    private static XElement Member(int id, string name) => new(X + "member", new XAttribute("id", id), name);

    private static int Scramble(FakeNcmecEntry e)
    {
        uint hash = 2166136261;
        foreach (char c in $"{e.MemberId}/{e.Id}")
            hash = (hash ^ c) * 16777619;
        return (int)(hash & 0x7fffffff);
    }

    private static async Task WriteAsync(HttpContext context, XElement root)
    {
        context.Response.ContentType = "application/xml; charset=utf-8";
        var text = new XDeclaration("1.0", "UTF-8", "yes") + Environment.NewLine + root.ToString(SaveOptions.DisableFormatting);
        await context.Response.WriteAsync(text, context.RequestAborted);
    }

    private static Task BadRequest(HttpContext context, string why)
    {
        context.Response.StatusCode = 400;
        return context.Response.WriteAsync(why);
    }

    private static bool TryTime(string? text, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);

    private static int? TryInt(string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) ? value : null;

    private static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string FormatMillis(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
