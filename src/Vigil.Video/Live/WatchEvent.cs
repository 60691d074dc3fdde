using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Vigil.Video;

/// <summary>
/// One match event of <c>vigil watch</c>: a bank content started matching the stream (or matched
/// again after a gap). Printed as one JSON line:
/// <c>{"time":"2026-01-01T12:00:00.000Z","frame":N,"stream_seconds":S,"bank":"B","content_id":N,"distance":D,"quality":Q}</c>,
/// and <c>"variant":"trimmed"</c> after them when the frame matched only with its borders trimmed (<c>vigil watch --robust</c>).
/// </summary>
/// <param name="Time">Wall-clock time the match was found (UTC).</param>
/// <param name="Frame">Frame number in the stream (counting on across reconnects).</param>
/// <param name="StreamSeconds">Position in the stream, in seconds (counting on across reconnects).</param>
/// <param name="Bank">The bank matched.</param>
/// <param name="ContentId">The bank content matched.</param>
/// <param name="Distance">PDQ distance between the frame and the content's hash.</param>
/// <param name="Quality">PDQ quality of the frame.</param>
public sealed record WatchEvent(DateTimeOffset Time, long Frame, double StreamSeconds, string Bank, long ContentId, int Distance, int Quality)
{
    /// <summary>The PDQ hash of the frame that opened the event (not part of its JSON line); null when unknown.</summary>
    public Vigil.Hashing.Pdq.PdqHash? FrameHash { get; init; }

    /// <summary><c>trimmed</c> when the frame's hash with its borders trimmed found the match; null for the frame as it is.</summary>
    public string? Variant { get; init; }

    /// <summary>The event as one line of JSON (no newline), fields in the documented order.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream(192);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("time", Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            json.WriteNumber("frame", Frame);
            json.WriteNumber("stream_seconds", Math.Round(StreamSeconds, 3));
            json.WriteString("bank", Bank);
            json.WriteNumber("content_id", ContentId);
            json.WriteNumber("distance", Distance);
            json.WriteNumber("quality", Quality);
            if (Variant is not null)
                json.WriteString("variant", Variant);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
