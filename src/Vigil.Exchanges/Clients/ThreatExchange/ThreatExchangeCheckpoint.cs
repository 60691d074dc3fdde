using System.Text.Json;

namespace Vigil.Exchanges.Clients.ThreatExchange;

/// <summary>
/// What a ThreatExchange checkpoint's text holds (JSON, never a credential): the newest update time read, the query's
/// start time and the API's paging cursor while a run of pages is under way, and the updates read at that newest time.
/// </summary>
/// <param name="UpdateTime">The newest <c>last_updated</c> read so far (Unix seconds); 0 before anything was read.</param>
/// <param name="StartTime">The <c>start_time</c> of the query the cursor belongs to; null for a full fetch.</param>
/// <param name="After">The cursor to continue the query after (the last page read); null once the query has no more pages.</param>
/// <param name="Edge">Keys (<c>id:u</c> or <c>id:d</c>) of the updates read at <see cref="UpdateTime"/>: the next query starts at that
/// second (the API's times have one-second resolution) and skips them; null when there were too many to keep (they are then read twice, harmlessly).</param>
/// <param name="Full">True while the run of pages is a full fetch (no start time).</param>
internal sealed record ThreatExchangeCheckpoint(long UpdateTime, long? StartTime, string? After, IReadOnlyList<string>? Edge, bool Full)
{
    /// <summary>Keys kept in <see cref="Edge"/> at most.</summary>
    public const int MaxEdge = 1000;

    private const int Version = 1;

    /// <summary>The checkpoint's JSON text.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("v", Version);
            json.WriteNumber("update_time", UpdateTime);
            if (StartTime is { } start)
                json.WriteNumber("start_time", start);
            if (After is not null)
                json.WriteString("after", After);
            if (Edge is not null)
            {
                json.WriteStartArray("edge");
                foreach (string key in Edge)
                    json.WriteStringValue(key);
                json.WriteEndArray();
            }
            json.WriteBoolean("full", Full);
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads a checkpoint's text; null when it is not one this client wrote (the fetch then starts over).</summary>
    public static ThreatExchangeCheckpoint? TryParse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("v", out var v) || !v.TryGetInt32(out int version) || version != Version
                || !root.TryGetProperty("update_time", out var update) || !update.TryGetInt64(out long updateTime) || updateTime < 0)
                return null;
            long? startTime = null;
            if (root.TryGetProperty("start_time", out var start))
            {
                if (!start.TryGetInt64(out long s) || s < 0)
                    return null;
                startTime = s;
            }
            string? after = null;
            if (root.TryGetProperty("after", out var a))
            {
                if (a.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(a.GetString()))
                    return null;
                after = a.GetString();
            }
            List<string>? edge = null;
            if (root.TryGetProperty("edge", out var e))
            {
                if (e.ValueKind != JsonValueKind.Array)
                    return null;
                edge = [];
                foreach (var key in e.EnumerateArray())
                {
                    if (key.ValueKind != JsonValueKind.String)
                        return null;
                    edge.Add(key.GetString()!);
                }
            }
            bool full = root.TryGetProperty("full", out var f) && f.ValueKind == JsonValueKind.True;
            return new ThreatExchangeCheckpoint(updateTime, startTime, after, edge, full);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
