using System.Runtime.CompilerServices;
using System.Text.Json;
using Vigil.Exchanges.Fetching;

namespace Vigil.Exchanges.Clients.ThreatExchange;

/// <summary>
/// Meta's ThreatExchange (Graph API): one privacy group's <c>threat_updates</c>, read by update time page by page
/// (the API's cursors), and reactions on the group's descriptors as feedback.
/// <para>
/// A fetch without a checkpoint, or with one older than <see cref="ThreatExchangeOptions.StaleAfter"/> (the API keeps
/// deletion records for 90 days, so an older copy may hold what was deleted since), reads the whole group; its last page
/// <see cref="ExchangePage.EndsSnapshot">ends a snapshot</see> when every page of it was read in the same call. Otherwise
/// it continues the interrupted query from its cursor, or asks for the updates since the newest update time read,
/// skipping the ones at that second it has already read: nothing lost, nothing read twice.
/// </para>
/// The access token travels in the query string, as the Graph API wants; it is never in a checkpoint, and every
/// exception message is cleaned of it.
/// </summary>
public sealed class ThreatExchangeClient : IExchangeClient, IExchangeFeedback
{
    /// <summary>The exchange's name in messages.</summary>
    public const string ExchangeName = "ThreatExchange";

    private const string UpdateFields = "id,indicator,type,last_updated,should_delete,descriptors{id,owner{id},tags,status}";
    private const string DescriptorFields = "descriptors{id,owner{id}}";

    private readonly ExchangeHttp _http;
    private readonly ThreatExchangeOptions _options;
    private readonly ThreatExchangeCredentials _credentials;
    private readonly Uri _base;

    /// <summary>A client calling through <paramref name="http"/> (its Timeout should be infinite: attempts are timed by <see cref="ThreatExchangeOptions.Http"/>).</summary>
    /// <exception cref="ArgumentException">An option cannot work (see <see cref="ThreatExchangeOptions.Validate"/>).</exception>
    public ThreatExchangeClient(HttpClient http, ThreatExchangeOptions options, ThreatExchangeCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(credentials);
        options.Validate();
        _options = options;
        _credentials = credentials;
        _http = new ExchangeHttp(http, ExchangeName, options.Http);
        string root = options.BaseUrl.GetLeftPart(UriPartial.Path);
        _base = new Uri((root.EndsWith('/') ? root : root + "/") + Uri.EscapeDataString(options.ApiVersion) + "/");
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ExchangePage> FetchAsync(ExchangeCheckpoint? checkpoint, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var clock = _options.Http.TimeProvider;
        var state = checkpoint is null ? null : ThreatExchangeCheckpoint.TryParse(checkpoint.Value);
        if (state is not null && clock.GetUtcNow() - checkpoint!.At > _options.StaleAfter)
            state = null;
        bool fromScratch = state is null;

        // The query this call runs: a whole-group read, the rest of an interrupted one (its cursor), or the updates since the newest time read.
        long? startTime = state is null ? null : state.After is not null ? state.StartTime : state.UpdateTime;
        string? after = state?.After;
        var alreadyRead = state is { After: null } ? EdgeSet(state) : [];
        bool resumingCursor = after is not null;
        long skipTime = state?.UpdateTime ?? -1;

        long newest = state?.UpdateTime ?? 0;
        List<string>? edge = state is null ? [] : state.Edge is null ? null : [.. state.Edge];
        while (true)
        {
            var requestedAt = clock.GetUtcNow();
            ExchangeAnswer answer;
            try
            {
                answer = await ReadUpdatesAsync(startTime, after, cancellationToken);
            }
            catch (ExchangeProtocolException) when (resumingCursor)
            {
                // The cursor was refused (cursors expire): what is not read yet is all at or after the newest time read,
                // and the updates read at that second are the checkpoint's edge, so a query from that second loses nothing.
                startTime = state!.UpdateTime;
                after = null;
                alreadyRead = EdgeSet(state);
                answer = await ReadUpdatesAsync(startTime, after, cancellationToken);
            }
            resumingCursor = false;
            var page = ThreatUpdatesPage.Read(answer.Body);
            var entries = new List<HashListEntry>(page.Updates.Count);
            int skipped = page.Malformed;
            foreach (var update in page.Updates)
            {
                if (update.LastUpdated > newest)
                {
                    newest = update.LastUpdated;
                    edge = [];
                }
                if (update.LastUpdated == newest && edge is not null)
                {
                    edge.Add(update.EdgeKey);
                    if (edge.Count > ThreatExchangeCheckpoint.MaxEdge)
                        edge = null;
                }
                if (update.LastUpdated == skipTime && alreadyRead.Contains(update.EdgeKey))
                    continue;
                if (ThreatUpdateEntries.ToEntry(update, _options.PrivacyGroupId) is { } entry)
                    entries.Add(entry);
                else
                    skipped++;
            }
            if (page.HasNext && page.After == after)
                throw new ExchangeProtocolException($"{ExchangeName}: threat_updates gave the same cursor twice");
            var next = page.HasNext
                ? new ThreatExchangeCheckpoint(newest, startTime, page.After, edge, Full: startTime is null)
                : new ThreatExchangeCheckpoint(newest, null, null, edge, Full: false);
            yield return new ExchangePage(entries, new ExchangeCheckpoint(next.ToJson(), requestedAt))
            {
                Skipped = skipped,
                EndsSnapshot = fromScratch && !page.HasNext,
            };
            if (!page.HasNext)
                yield break;
            after = page.After;
        }
    }

    private Task<ExchangeAnswer> ReadUpdatesAsync(long? startTime, string? after, CancellationToken cancellationToken) =>
        SendAsync("reading threat_updates", () => new HttpRequestMessage(HttpMethod.Get, UpdatesUri(startTime, after)), cancellationToken);

    private static HashSet<string> EdgeSet(ThreatExchangeCheckpoint state) => new(state.Edge ?? [], StringComparer.Ordinal);

    /// <inheritdoc/>
    public bool Accepts(ExchangeOpinion opinion) =>
        opinion == ExchangeOpinion.FalsePositive || (opinion == ExchangeOpinion.Confirmed && _options.ConfirmedReaction is not null);

    /// <summary>
    /// Reacts to every descriptor of the indicator <see cref="ExchangeFeedback.EntryId"/> that another app uploaded (an app
    /// cannot react to its own): <see cref="ThreatExchangeOptions.FalsePositiveReaction"/> or <see cref="ThreatExchangeOptions.ConfirmedReaction"/>,
    /// withdrawing the other one. Reactions are a set, so sending twice is harmless.
    /// </summary>
    /// <exception cref="ArgumentException">The entry id is not a ThreatExchange indicator id.</exception>
    /// <exception cref="NotSupportedException">The opinion is not one <see cref="Accepts"/> takes.</exception>
    public async Task SendFeedbackAsync(ExchangeFeedback feedback, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        if (!ThreatExchangeOptions.IsNumericId(feedback.EntryId))
            throw new ArgumentException($"'{feedback.EntryId}' is not a ThreatExchange indicator id", nameof(feedback));
        if (!Accepts(feedback.Opinion))
            throw new NotSupportedException($"{ExchangeName} is configured to send no {feedback.Opinion} feedback");
        string add = feedback.Opinion == ExchangeOpinion.FalsePositive ? _options.FalsePositiveReaction : _options.ConfirmedReaction!;
        string? withdraw = feedback.Opinion == ExchangeOpinion.FalsePositive ? _options.ConfirmedReaction : _options.FalsePositiveReaction;

        var answer = await SendAsync($"reading indicator {feedback.EntryId}'s descriptors",
            () => new HttpRequestMessage(HttpMethod.Get, Address(feedback.EntryId, ("fields", DescriptorFields))), cancellationToken);
        foreach (string descriptorId in OthersDescriptors(answer.Body, feedback.EntryId))
        {
            var form = new List<KeyValuePair<string, string>> { new("reactions", add) };
            if (withdraw is not null)
                form.Add(new("reactions_to_remove", withdraw));
            await SendAsync($"reacting {add} to descriptor {descriptorId}", () => new HttpRequestMessage(HttpMethod.Post, Address(descriptorId))
            {
                Content = new FormUrlEncodedContent(form),
            }, cancellationToken);
        }
    }

    private List<string> OthersDescriptors(byte[] body, string indicatorId)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var ids = new List<string>();
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new ExchangeProtocolException($"{ExchangeName}: indicator {indicatorId} answered JSON that is not an object");
            if (!document.RootElement.TryGetProperty("descriptors", out var descriptors) || descriptors.ValueKind != JsonValueKind.Object
                || !descriptors.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
                return ids;
            foreach (var descriptor in data.EnumerateArray())
            {
                string? id = descriptor.ValueKind == JsonValueKind.Object && descriptor.TryGetProperty("id", out var i) ? Text(i) : null;
                string? owner = descriptor.ValueKind == JsonValueKind.Object && descriptor.TryGetProperty("owner", out var o)
                    && o.ValueKind == JsonValueKind.Object && o.TryGetProperty("id", out var oi) ? Text(oi) : null;
                if (ThreatExchangeOptions.IsNumericId(id) && owner != _credentials.AppId)
                    ids.Add(id!);
            }
            return ids;
        }
        catch (JsonException e)
        {
            throw new ExchangeProtocolException($"{ExchangeName}: indicator {indicatorId} answered something that is not JSON: {Formats.Json.DescribeError(e)}");
        }

        static string? Text(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
    }

    private Uri UpdatesUri(long? startTime, string? after)
    {
        var query = new List<(string, string)> { ("fields", UpdateFields), ("limit", _options.PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)) };
        if (startTime is { } start)
            query.Add(("start_time", start.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (after is not null)
            query.Add(("after", after));
        if (_options.IndicatorTypes is { Count: > 0 } types)
            query.Add(("types", string.Join(',', types)));
        return Address(_options.PrivacyGroupId + "/threat_updates", [.. query]);
    }

    private Uri Address(string path, params (string Name, string Value)[] query)
    {
        var text = new System.Text.StringBuilder(path).Append("?access_token=").Append(Uri.EscapeDataString(_credentials.AccessToken));
        foreach (var (name, value) in query)
            text.Append('&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        return new Uri(_base, text.ToString());
    }

    /// <summary>One call through <see cref="ExchangeHttp"/>, with the token taken out of any message that might quote the request.</summary>
    private async Task<ExchangeAnswer> SendAsync(string what, Func<HttpRequestMessage> create, CancellationToken cancellationToken)
    {
        try
        {
            return await _http.SendAsync(what, create, cancellationToken);
        }
        catch (ExchangeProtocolException e) when (IsRefusedToken(e.Message))
        {
            // The Graph API mostly answers a bad or expired token with HTTP 400 and an OAuthException (code 190), not 401.
            throw new ExchangeAuthException(_credentials.Redact(e.Message) + " (the access token was refused: check the credentials)");
        }
        catch (ExchangeException e) when (Leaks(e))
        {
            string message = _credentials.Redact(e.Message);
            throw e switch
            {
                ExchangeAuthException => new ExchangeAuthException(message),
                ExchangeUnavailableException => new ExchangeUnavailableException(message),
                _ => new ExchangeProtocolException(message),
            };
        }
    }

    private static bool IsRefusedToken(string message) =>
        message.Contains("OAuthException", StringComparison.Ordinal)
        && (message.Contains("\"code\":190", StringComparison.Ordinal) || message.Contains("access token", StringComparison.OrdinalIgnoreCase));

    private bool Leaks(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (_credentials.Redact(x.Message) != x.Message)
                return true;
        }
        return false;
    }
}
