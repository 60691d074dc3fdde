using System.Globalization;
using System.Text.Json;
using Vigil.Exchanges.Fetching;

namespace Vigil.Exchanges.Clients.Ncmec;

/// <summary>
/// The NCMEC client's checkpoint: the time range last read whole and the range length to go on with, as
/// <c>{"v":1,"from":"2024-01-01T00:00:00Z","to":"2024-01-02T00:00:00Z","rangeSeconds":86400}</c>. It is only made at the
/// end of a fully read range (NCMEC returns a range's entries out of time order), so it never names a page link; its
/// <see cref="ExchangeCheckpoint.At"/> is the range's end, where the next fetch starts.
/// </summary>
internal sealed record NcmecCheckpoint(DateTimeOffset From, DateTimeOffset To, long RangeSeconds)
{
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    public ExchangeCheckpoint ToExchange()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("v", 1);
            json.WriteString("from", Format(From));
            json.WriteString("to", Format(To));
            json.WriteNumber("rangeSeconds", RangeSeconds);
            json.WriteEndObject();
        }
        return new ExchangeCheckpoint(System.Text.Encoding.UTF8.GetString(buffer.ToArray()), To);
    }

    public static NcmecCheckpoint Parse(ExchangeCheckpoint checkpoint)
    {
        try
        {
            using var document = JsonDocument.Parse(checkpoint.Value);
            var root = document.RootElement;
            if (root.GetProperty("v").GetInt32() != 1)
                throw new FormatException("unknown version");
            var parsed = new NcmecCheckpoint(
                ParseTime(root.GetProperty("from").GetString()),
                ParseTime(root.GetProperty("to").GetString()),
                root.GetProperty("rangeSeconds").GetInt64());
            return parsed.RangeSeconds >= 1 && parsed.From <= parsed.To ? parsed : throw new FormatException("range out of bounds");
        }
        catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            throw new ExchangeProtocolException($"NCMEC: the stored checkpoint cannot be read ({e.Message}); remove it to backfill again", e);
        }
    }

    /// <summary>A time as NCMEC's <c>from</c>/<c>to</c> take it: UTC, whole seconds.</summary>
    public static string Format(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string? text) =>
        DateTimeOffset.ParseExact(text ?? "", TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
