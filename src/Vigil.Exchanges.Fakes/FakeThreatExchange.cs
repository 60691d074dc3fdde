using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Vigil.Exchanges.Fakes;

/// <summary>
/// A fake of Meta's ThreatExchange Graph API for one privacy group, on <see cref="FakeExchangeHost"/>: the access token
/// checked on every call (401 with a Graph-style <c>OAuthException</c> body otherwise); <c>/{version}/{group}/threat_updates</c>
/// ordered by update time with <c>start_time</c>/<c>stop_time</c>/<c>types</c>/<c>limit</c>, cursors and <c>next</c> links (which,
/// as Graph's do, repeat the token); deletion records that can be expired as the API's 90-day window does; an indicator's
/// descriptors; and reactions posted to descriptors, recorded. Hashes are synthetic.
/// </summary>
public sealed class FakeThreatExchange : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly Dictionary<string, FakeThreatExchangeUpdate> _updates = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _reactions = new(StringComparer.Ordinal);
    private readonly List<FakeThreatExchangeReaction> _reactionLog = [];
    private readonly string _accessToken;
    private int _cursorGeneration;

    private FakeThreatExchange(string accessToken, string privacyGroupId, string apiVersion)
    {
        _accessToken = accessToken;
        PrivacyGroupId = privacyGroupId;
        ApiVersion = apiVersion;
    }

    /// <summary>The host (its request log has the token masked).</summary>
    public FakeExchangeHost Host { get; private set; } = null!;

    /// <summary>Where the fake listens: the client's base URL.</summary>
    public Uri BaseAddress => Host.BaseAddress;

    /// <summary>The privacy group it serves.</summary>
    public string PrivacyGroupId { get; }

    /// <summary>The Graph API version in its paths.</summary>
    public string ApiVersion { get; }

    /// <summary>The path of the group's updates, for <see cref="Inject"/> and request counts.</summary>
    public string UpdatesPath => $"/{ApiVersion}/{PrivacyGroupId}/threat_updates";

    /// <summary>The largest <c>limit</c> honoured (larger ones are cut to it). Default 1000.</summary>
    public int MaxPageSize { get; set; } = 1000;

    /// <summary>True (default) to give tags as a Graph edge (<c>{"data": [{"id", "text"}]}</c>), false as a list of texts.</summary>
    public bool TagsAsEdge { get; set; } = true;

    /// <summary>The status a wrong token gets: 401 (default), or 400 as the real Graph API mostly answers (the body says <c>OAuthException</c>, code 190, either way).</summary>
    public int InvalidTokenStatus { get; set; } = 401;

    /// <summary>Makes every cursor handed out so far invalid (the next request with one gets a 400), as cursors do expire.</summary>
    public void ExpireCursors() => Interlocked.Increment(ref _cursorGeneration);

    /// <summary>Starts a fake on 127.0.0.1 that accepts <paramref name="accessToken"/> (<c>APP_ID|SECRET</c>) only.</summary>
    public static async Task<FakeThreatExchange> StartAsync(string accessToken, string privacyGroupId = "1234567890", string apiVersion = "v22.0",
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessToken);
        var fake = new FakeThreatExchange(accessToken, privacyGroupId, apiVersion);
        fake.Host = await FakeExchangeHost.StartAsync((app, _) => fake.Map(app), cancellationToken: cancellationToken);
        return fake;
    }

    /// <summary>Adds or updates an indicator at <paramref name="time"/> (Unix seconds): its record moves to the end of the updates.</summary>
    public void Put(string id, string type, string indicator, long time, params FakeThreatExchangeDescriptor[] descriptors)
    {
        lock (_gate)
            _updates[id] = new FakeThreatExchangeUpdate(id, type, indicator, time, false, descriptors);
    }

    /// <summary>Deletes an indicator at <paramref name="time"/>: a deletion record takes its place at the end of the updates.</summary>
    public void Delete(string id, long time)
    {
        lock (_gate)
        {
            if (!_updates.TryGetValue(id, out var update))
                throw new KeyNotFoundException($"no indicator {id}");
            _updates[id] = update with { LastUpdated = time, ShouldDelete = true, Descriptors = [] };
        }
    }

    /// <summary>Drops deletion records older than <paramref name="time"/>, as the API does after 90 days.</summary>
    public void ExpireDeletionsBefore(long time)
    {
        lock (_gate)
        {
            foreach (var update in _updates.Values.Where(u => u.ShouldDelete && u.LastUpdated < time).ToList())
                _updates.Remove(update.Id);
        }
    }

    /// <summary>Forgets every indicator, deletion record and reaction (one fake, many property-test cases).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _updates.Clear();
            _reactions.Clear();
            _reactionLog.Clear();
        }
    }

    /// <summary>The indicators now in the group (deleted ones left out), by id.</summary>
    public IReadOnlyDictionary<string, FakeThreatExchangeUpdate> Live
    {
        get
        {
            lock (_gate)
                return _updates.Values.Where(u => !u.ShouldDelete).ToDictionary(u => u.Id, StringComparer.Ordinal);
        }
    }

    /// <summary>Every reaction call, in order.</summary>
    public IReadOnlyList<FakeThreatExchangeReaction> ReactionLog
    {
        get
        {
            lock (_gate)
                return [.. _reactionLog];
        }
    }

    /// <summary>The reactions a descriptor has now (as <c>APP_ID:REACTION</c>).</summary>
    public IReadOnlySet<string> ReactionsOn(string descriptorId)
    {
        lock (_gate)
            return _reactions.TryGetValue(descriptorId, out var set) ? new HashSet<string>(set, StringComparer.Ordinal) : new HashSet<string>();
    }

    /// <summary>Answers the next request(s) to <paramref name="pathPrefix"/> (default <see cref="UpdatesPath"/>) with <paramref name="failure"/>.</summary>
    public void Inject(FakeExchangeFailure failure, int times = 1, int after = 0, string? pathPrefix = null) =>
        Host.Inject(pathPrefix ?? UpdatesPath, failure, times, after);

    /// <summary>How many update pages were asked for.</summary>
    public int UpdateRequests => Host.RequestCount(UpdatesPath);

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => Host.DisposeAsync();

    private void Map(WebApplication app)
    {
        app.MapGet("/{version}/{group}/threat_updates", (HttpContext context, string version, string group) => Guarded(context, version, () => Updates(context, group)));
        app.MapGet("/{version}/{id}", (HttpContext context, string version, string id) => Guarded(context, version, () => Descriptors(id)));
        app.MapPost("/{version}/{id}", async (HttpContext context, string version, string id) =>
        {
            var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync() : null;
            return Guarded(context, version, () => React(id, Field(context, form, "reactions"), Field(context, form, "reactions_to_remove")), form);
        });
    }

    private IResult Guarded(HttpContext context, string version, Func<IResult> answer, IFormCollection? form = null)
    {
        string? token = context.Request.Query["access_token"].FirstOrDefault() ?? form?["access_token"].FirstOrDefault();
        if (token is null || !string.Equals(token, _accessToken, StringComparison.Ordinal))
            return Error(InvalidTokenStatus, "Invalid OAuth access token - Cannot parse access token", "OAuthException", 190);
        if (version != ApiVersion)
            return Error(400, $"Unknown path components: /{version}", "OAuthException", 2500);
        return answer();
    }

    private IResult Updates(HttpContext context, string group)
    {
        if (group != PrivacyGroupId)
            return Error(400, $"Unsupported get request. Object with ID '{group}' does not exist", "GraphMethodException", 100);
        var query = context.Request.Query;
        if (!TryNumber(query["start_time"], out long? start) || !TryNumber(query["stop_time"], out long? stop) || !TryNumber(query["limit"], out long? limit))
            return Error(400, "(#100) start_time, stop_time and limit must be integers", "OAuthException", 100);
        var types = query["types"].FirstOrDefault()?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        (long Time, string Id)? cursor = null;
        if (query["after"].FirstOrDefault() is { } after)
        {
            if (DecodeCursor(after) is not { } decoded)
                return Error(400, "(#100) Invalid cursor", "OAuthException", 100);
            cursor = decoded;
        }
        int size = (int)Math.Clamp(limit ?? 25, 1, MaxPageSize);
        List<FakeThreatExchangeUpdate> ordered;
        lock (_gate)
        {
            ordered = [.. _updates.Values
                .Where(u => (start is null || u.LastUpdated >= start) && (stop is null || u.LastUpdated < stop) && (types is null || types.Contains(u.Type)))
                .OrderBy(u => u.LastUpdated).ThenBy(u => u.Id.Length).ThenBy(u => u.Id, StringComparer.Ordinal)];
        }
        var rest = cursor is { } c ? ordered.SkipWhile(u => Compare(u, c) <= 0).ToList() : ordered;
        var page = rest.Take(size).ToList();
        bool more = rest.Count > page.Count;

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("data");
            foreach (var update in page)
                WriteUpdate(json, update);
            json.WriteEndArray();
            if (page.Count > 0)
            {
                json.WriteStartObject("paging");
                json.WriteStartObject("cursors");
                json.WriteString("before", EncodeCursor(page[0]));
                json.WriteString("after", EncodeCursor(page[^1]));
                json.WriteEndObject();
                if (more)
                    json.WriteString("next", NextLink(context, EncodeCursor(page[^1])));
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        return Results.Bytes(buffer.ToArray(), "application/json");
    }

    private void WriteUpdate(Utf8JsonWriter json, FakeThreatExchangeUpdate update)
    {
        json.WriteStartObject();
        json.WriteString("id", update.Id);
        json.WriteString("indicator", update.Indicator);
        json.WriteString("type", update.Type);
        json.WriteNumber("last_updated", update.LastUpdated);
        json.WriteBoolean("should_delete", update.ShouldDelete);
        if (!update.ShouldDelete)
        {
            json.WriteStartObject("descriptors");
            json.WriteStartArray("data");
            foreach (var descriptor in update.Descriptors)
            {
                json.WriteStartObject();
                json.WriteString("id", descriptor.Id);
                json.WriteStartObject("owner");
                json.WriteString("id", descriptor.OwnerAppId);
                json.WriteEndObject();
                json.WriteString("status", descriptor.Status);
                if (TagsAsEdge)
                {
                    json.WriteStartObject("tags");
                    json.WriteStartArray("data");
                    for (int i = 0; i < descriptor.Tags.Count; i++)
                    {
                        json.WriteStartObject();
                        json.WriteString("id", (9_000_000 + i).ToString(CultureInfo.InvariantCulture));
                        json.WriteString("text", descriptor.Tags[i]);
                        json.WriteEndObject();
                    }
                    json.WriteEndArray();
                    json.WriteEndObject();
                }
                else
                {
                    json.WriteStartArray("tags");
                    foreach (string tag in descriptor.Tags)
                        json.WriteStringValue(tag);
                    json.WriteEndArray();
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    private IResult Descriptors(string id)
    {
        FakeThreatExchangeUpdate? update;
        lock (_gate)
            _updates.TryGetValue(id, out update);
        if (update is null || update.ShouldDelete)
            return Error(400, $"Unsupported get request. Object with ID '{id}' does not exist", "GraphMethodException", 100);
        var body = new
        {
            id,
            descriptors = new { data = update.Descriptors.Select(d => new { id = d.Id, owner = new { id = d.OwnerAppId } }).ToArray() },
        };
        return Results.Bytes(JsonSerializer.SerializeToUtf8Bytes(body), "application/json");
    }

    private IResult React(string descriptorId, string? add, string? remove)
    {
        string app = _accessToken[.._accessToken.IndexOf('|', StringComparison.Ordinal)];
        lock (_gate)
        {
            var descriptor = _updates.Values.Where(u => !u.ShouldDelete).SelectMany(u => u.Descriptors).FirstOrDefault(d => d.Id == descriptorId);
            if (descriptor is null)
                return Error(400, $"Unsupported post request. Object with ID '{descriptorId}' does not exist", "GraphMethodException", 100);
            if (descriptor.OwnerAppId == app)
                return Error(400, "(#200) An app cannot react to its own descriptor", "OAuthException", 200);
            if (string.IsNullOrEmpty(add) && string.IsNullOrEmpty(remove))
                return Error(400, "(#100) reactions or reactions_to_remove is required", "OAuthException", 100);
            if (!_reactions.TryGetValue(descriptorId, out var set))
                _reactions[descriptorId] = set = new HashSet<string>(StringComparer.Ordinal);
            foreach (string reaction in Split(remove))
            {
                set.Remove(app + ":" + reaction);
                _reactionLog.Add(new FakeThreatExchangeReaction(descriptorId, app, reaction, Removed: true));
            }
            foreach (string reaction in Split(add))
            {
                set.Add(app + ":" + reaction);
                _reactionLog.Add(new FakeThreatExchangeReaction(descriptorId, app, reaction, Removed: false));
            }
        }
        return Results.Bytes("{\"success\":true}"u8.ToArray(), "application/json");

        static string[] Split(string? list) => list?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
    }

    private string NextLink(HttpContext context, string after)
    {
        var text = new StringBuilder(BaseAddress.ToString().TrimEnd('/')).Append(context.Request.Path.Value).Append('?');
        bool first = true;
        foreach (var (name, values) in context.Request.Query.Where(q => q.Key != "after").Append(new("after", after)))
        {
            foreach (string? value in values)
            {
                text.Append(first ? "" : "&").Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value ?? ""));
                first = false;
            }
        }
        return text.ToString();
    }

    private static string? Field(HttpContext context, IFormCollection? form, string name) =>
        form?[name].FirstOrDefault() ?? context.Request.Query[name].FirstOrDefault();

    private static int Compare(FakeThreatExchangeUpdate update, (long Time, string Id) cursor)
    {
        int c = update.LastUpdated.CompareTo(cursor.Time);
        if (c != 0)
            return c;
        c = update.Id.Length.CompareTo(cursor.Id.Length);
        return c != 0 ? c : string.CompareOrdinal(update.Id, cursor.Id);
    }

    private string EncodeCursor(FakeThreatExchangeUpdate update) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Volatile.Read(ref _cursorGeneration)}:{update.LastUpdated}:{update.Id}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private (long Time, string Id)? DecodeCursor(string cursor)
    {
        try
        {
            string base64 = cursor.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            string text = Encoding.UTF8.GetString(Convert.FromBase64String(base64));
            string generation = Volatile.Read(ref _cursorGeneration).ToString(CultureInfo.InvariantCulture) + ":";
            if (!text.StartsWith(generation, StringComparison.Ordinal))
                return null;
            text = text[generation.Length..];
            int colon = text.IndexOf(':', StringComparison.Ordinal);
            return colon > 0 && long.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out long time) && colon < text.Length - 1
                ? (time, text[(colon + 1)..])
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static bool TryNumber(Microsoft.Extensions.Primitives.StringValues values, out long? number)
    {
        number = null;
        if (values.FirstOrDefault() is not { } text)
            return true;
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long parsed))
            return false;
        number = parsed;
        return true;
    }

    private static IResult Error(int status, string message, string type, int code)
    {
        var body = new { error = new { message, type, code, fbtrace_id = "AFakeTraceId" } };
        return Results.Json(body, statusCode: status);
    }
}
