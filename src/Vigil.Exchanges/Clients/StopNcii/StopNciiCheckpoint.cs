using System.Text.Json;

namespace Vigil.Exchanges.Clients.StopNcii;

/// <summary>
/// What a StopNCII checkpoint's <see cref="Fetching.ExchangeCheckpoint.Value"/> holds, as JSON
/// <c>{"v":1,"startTimestamp":N,"nextPageToken":"..."}</c>: the <c>startTimestamp</c> of the
/// FetchHashes query to resume, and the page token to resume it at (absent once the query was read
/// to its end, when <c>startTimestamp</c> is StopNCII's <c>nextSetTimestamp</c> for the next query).
/// <paramref name="InFullFetch"/> (<c>"fullFetch":true</c>) marks a point inside a read from the start.
/// </summary>
internal sealed record StopNciiCheckpoint(long StartTimestamp, string? NextPageToken, bool InFullFetch)
{
    private const int Version = 1;

    public string Encode()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("v", Version);
            json.WriteNumber("startTimestamp", StartTimestamp);
            if (NextPageToken is not null)
                json.WriteString("nextPageToken", NextPageToken);
            if (InFullFetch)
                json.WriteBoolean("fullFetch", true);
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Reads <paramref name="value"/>; null (with why) when it is not a checkpoint this client wrote.</summary>
    public static StopNciiCheckpoint? TryDecode(string value, out string? problem)
    {
        problem = null;
        try
        {
            using var document = JsonDocument.Parse(value);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("v", out var version) || version.ValueKind != JsonValueKind.Number || version.GetInt32() != Version)
            {
                problem = "it is not a version 1 StopNCII checkpoint";
                return null;
            }
            if (!root.TryGetProperty("startTimestamp", out var start) || !start.TryGetInt64(out long startTimestamp) || startTimestamp < 0)
            {
                problem = "it has no startTimestamp";
                return null;
            }
            string? token = null;
            if (root.TryGetProperty("nextPageToken", out var tokenElement))
            {
                if (tokenElement.ValueKind != JsonValueKind.String || tokenElement.GetString() is not { Length: > 0 } text)
                {
                    problem = "its nextPageToken is not a non-empty string";
                    return null;
                }
                token = text;
            }
            bool full = root.TryGetProperty("fullFetch", out var fullElement) && fullElement.ValueKind == JsonValueKind.True;
            return new StopNciiCheckpoint(startTimestamp, token, full);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            problem = "it is not JSON";
            return null;
        }
    }
}
