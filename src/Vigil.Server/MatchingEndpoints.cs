using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.Hashing.Pdq;
using Vigil.Hashing.Signals;
using Vigil.Matching;
using Vigil.Storage;

namespace Vigil.Server;

/// <summary>
/// HMA's matching extras (docs/hma-api.md): <c>GET /m/raw_lookup</c>, <c>POST /m/compare</c>,
/// <c>GET /m/index/status</c> (matcher keys), and <c>GET /site-map</c> (any key).
/// </summary>
public static partial class MatchingEndpoints
{
    private static readonly RequiresRole Matcher = new(ApiKeyRole.Matcher);

    /// <summary>Maps the endpoints.</summary>
    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/m/raw_lookup", RawLookupAsync).WithMetadata(Matcher);
        app.MapPost("/m/compare", CompareAsync).WithMetadata(Matcher, new ReadOnlyRequest());
        app.MapGet("/m/index/status", IndexStatusAsync).WithMetadata(Matcher);
        app.MapGet("/site-map", (EndpointDataSource endpoints) => Results.Json(SiteMap(endpoints)))
            .WithMetadata(new RequiresRole(Enum.GetValues<ApiKeyRole>()));
    }

    /// <summary>
    /// Index hits without grouping by bank or the coin flip. PDQ goes through the in-memory index,
    /// vPDQ through the video rule (distance <c>"query%[compared%]"</c>), exact types (md5, sha1,
    /// sha256, video_md5) through the store.
    /// </summary>
    private static async Task<IResult> RawLookupAsync(MatcherHost host, IContentStore store, string? signal_type, string? signal, string? banks,
        string? include_distance, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(signal_type) || string.IsNullOrEmpty(signal))
            return Problems.Result(400, "signal_type and signal are required", "e.g. /m/raw_lookup?signal_type=pdq&signal=<64 hex digits>");
        if (!SignalType.TryFromName(signal_type, out var type))
            return Problems.Result(400, $"No such SignalType '{signal_type}'", $"known: {CurationEndpoints.KnownTypes()}");
        if (!type.TryNormalize(signal, out string? value, out string? why))
            return Problems.Result(400, "invalid signal", why);
        var matcher = host.Matcher;
        if (matcher is null)
            return Problems.Result(503, "index not yet ready", "the bank index is still loading; /status turns 200 when it is ready");
        bool withDistance = include_distance is not null
            && (include_distance.Equals("true", StringComparison.OrdinalIgnoreCase) || include_distance == "1");
        var wanted = banks?.Split(',').ToHashSet(StringComparer.Ordinal);

        var hits = new List<(long ContentId, string Bank, string Distance)>();
        if (type == SignalType.Pdq)
        {
            var outcome = await matcher.MatchAsync([PdqHash.Parse(value)], PdqIndex.DefaultMaxDistance, null, withContent: false, ct);
            foreach (var match in outcome.Matches.Concat(outcome.SuppressedBy))
                hits.Add((match.ContentId, match.Bank.Name, match.Distance.ToString(CultureInfo.InvariantCulture)));
        }
        else if (type == SignalType.Vpdq)
        {
            // Whole videos under the exchanges' rule, negative banks' too, as the pdq hits above.
            var outcome = await VideoLookup.Rule.MatchAsync(matcher, VpdqSignal.Parse(value), null, ct);
            foreach (var match in outcome.Candidates.Concat(outcome.SuppressedBy))
            {
                if (match.IsMatch)
                    hits.Add((match.ContentId, match.Bank.Name, VideoLookup.Distance(match.Comparison)));
            }
        }
        else
        {
            foreach (var match in await store.LookupSignalAsync(new Signal(type, value), ct))
                hits.Add((match.ContentId, match.BankName, "0"));
        }
        var kept = hits.Where(h => wanted is null || wanted.Contains(h.Bank)).DistinctBy(h => h.ContentId).OrderBy(h => h.ContentId);
        object matches = withDistance
            ? kept.Select(h => new Dictionary<string, object>
            {
                ["bank_content_id"] = h.ContentId,
                ["distance"] = h.Distance,
            }).ToList()
            : kept.Select(h => h.ContentId).ToList();
        return Results.Json(new Dictionary<string, object> { ["matches"] = matches });
    }

    /// <summary>HMA's words for compare bodies: an unknown signal type, a value that is not a list, a hash that is not a string.</summary>
    private static readonly JsonBodyProblems CompareProblems = new()
    {
        UnknownField = field => Problems.Result(400, $"No such SignalType '{field}'", $"known: {CurationEndpoints.KnownTypes()}"),
        InvalidField = path => path.IndexOf('[') is > 0 and int at
            ? Problems.Result(400, $"Invalid {path[..at]} hash", "each hash must be a string")
            : Problems.Result(400, $"Comparison hashes for {path} was not a list", "send {\"pdq\": [\"<hex A>\", \"<hex B>\"]}"),
    };

    /// <summary>HMA's compare: per signal type, two hashes in, <c>[match, {"distance": n}]</c> out.</summary>
    private static async Task<IResult> CompareAsync(HttpContext context, CancellationToken ct)
    {
        var (body, error) = await JsonBody.ReadAsync(context, ServerJsonContext.Default.CompareBody, CompareProblems, ct);
        if (error is not null)
            return error;
        var result = new Dictionary<string, object[]>(StringComparer.Ordinal);
        foreach (var (type, pair) in body!.Given())
        {
            string name = type.Name;
            if (pair.Length != 2)
                return Problems.Result(400, "Comparison hash list length must be exactly 2", $"got {pair.Length} for {name}");
            var values = new string[2];
            for (int i = 0; i < 2; i++)
            {
                if (pair[i] is null)
                    return Problems.Result(400, $"Invalid {name} hash", "each hash must be a string");
                if (!type.TryNormalize(pair[i], out string? value, out string? why))
                    return Problems.Result(400, $"Invalid {name} hash", why);
                values[i] = value;
            }
            bool match;
            int distance;
            if (type == SignalType.Pdq)
            {
                distance = PdqHash.Distance(PdqHash.Parse(values[0]), PdqHash.Parse(values[1]));
                match = distance <= PdqIndex.DefaultMaxDistance;
            }
            else
            {
                // Exact signals match only when equal; the distance says the same (0 or 1).
                match = values[0] == values[1];
                distance = match ? 0 : 1;
            }
            result[name] = [match, new Dictionary<string, int> { ["distance"] = distance }];
        }
        return Results.Json(result);
    }

    /// <summary>
    /// What each signal type is matched against, in HMA's shape, once the index is loaded (before
    /// that nothing is present: lookups answer 503). PDQ hashes (and video frames) are in the
    /// in-memory index: pdq's <c>size</c> is the hashes indexed, vpdq's the videos, and
    /// <c>built_to</c> the change sequence number the index reflects (HMA gives a build time there; a
    /// replica here follows the change log, so the sequence is what says how current it is). Exact
    /// types (md5, sha1, sha256, video_md5) are looked up in the store itself, which is always
    /// current: their <c>size</c> is the signals stored and <c>built_to</c> the store's latest change.
    /// </summary>
    private static async Task<IResult> IndexStatusAsync(MatcherHost host, IContentStore contentStore, IChangeFeed feed, string? signal_type, CancellationToken ct)
    {
        // HMA's types and the video ones; the banks' own variants (pdq_variant) when asked for by name.
        IEnumerable<SignalType> types = SignalType.Known.Where(t => !t.IsDerived);
        if (!string.IsNullOrEmpty(signal_type))
        {
            if (!SignalType.TryFromName(signal_type, out var type))
                return Problems.Result(400, $"No such signal type '{signal_type}'", $"known: {CurationEndpoints.KnownTypes()}");
            types = [type];
        }
        var matcher = host.Matcher;
        long? latest = null;
        var result = new Dictionary<string, IndexStatusEntry>(StringComparer.Ordinal);
        foreach (var type in types)
        {
            if (matcher is null)
                result[type.Name] = new IndexStatusEntry(false, -1, 0);
            else if (type == SignalType.Pdq)
                result[type.Name] = new IndexStatusEntry(true, matcher.AppliedSeq, matcher.HashCount);
            else if (type == SignalType.Vpdq)
                result[type.Name] = new IndexStatusEntry(true, matcher.AppliedSeq, await contentStore.CountSignalsAsync(type, ct));
            else if (type == SignalType.PdqVariant)
                result[type.Name] = new IndexStatusEntry(true, matcher.AppliedSeq, matcher.VariantCount);
            else
                result[type.Name] = new IndexStatusEntry(true, latest ??= await feed.GetLatestChangeSeqAsync(ct), await contentStore.CountSignalsAsync(type, ct));
        }
        return Results.Json(result);
    }

    /// <summary>Every route, de-duplicated and sorted, in Flask's syntax as HMA shows them.</summary>
    internal static List<string> SiteMap(EndpointDataSource endpoints)
    {
        var routes = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var endpoint in endpoints.Endpoints.OfType<RouteEndpoint>())
        {
            string? raw = endpoint.RoutePattern.RawText;
            if (raw is null)
                continue;
            if (!raw.StartsWith('/'))
                raw = "/" + raw;
            routes.Add(RouteParameter().Replace(raw, m => m.Groups[2].Value == "long" ? $"<int:{m.Groups[1].Value}>" : $"<{m.Groups[1].Value}>"));
        }
        return [.. routes];
    }

    [GeneratedRegex(@"\{([A-Za-z_][A-Za-z0-9_]*)(?::([A-Za-z]+))?\}")]
    private static partial Regex RouteParameter();
}
