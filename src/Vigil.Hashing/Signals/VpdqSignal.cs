using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Vigil.Hashing.Pdq;
using Vigil.Hashing.Vpdq;

namespace Vigil.Hashing.Signals;

/// <summary>
/// The value of a <see cref="SignalType.Vpdq"/> signal: a video's frames in the reference's text
/// form, one line per frame, <c>frameNumber,quality,pdqHex,timestampSeconds</c> (timestamp with
/// three decimals, left out when unknown), lines joined by a line feed with none at the end. Also
/// reads python-threatexchange's two JSON forms and turns them into the text form: the older object
/// keyed by frame number (<c>{"0": {"quality": 100, "hash": "...", "timestamp": 0.0}, ...}</c>) and
/// the newer compact list (<c>["pdqHex,quality,timestamp", ...]</c>), which has no frame numbers, so
/// each feature's place in the list stands in for its frame number.
/// </summary>
public static class VpdqSignal
{
    /// <summary>Frames with a PDQ quality below this are left out of matching (the exchanges' rule).</summary>
    public const int MinimumQuality = 50;

    /// <summary>
    /// Checks a vPDQ value (text lines or HMA's JSON) and returns it in canonical text form, or says
    /// what is wrong (the line, or the JSON property). A value needs at least one frame.
    /// </summary>
    public static bool TryNormalize(ReadOnlySpan<char> raw, [NotNullWhen(true)] out string? value, [NotNullWhen(false)] out string? error)
    {
        value = null;
        var trimmed = raw.Trim();
        if (trimmed.IsEmpty)
        {
            error = "vpdq value is empty (expected lines frameNumber,quality,pdqHex,timestamp)";
            return false;
        }
        IReadOnlyList<VpdqFrame> frames;
        try
        {
            frames = IsJson(trimmed) ? ParseJson(trimmed.ToString()) : VpdqFormat.Parse(trimmed.ToString());
        }
        catch (FormatException e)
        {
            error = e.Message;
            return false;
        }
        if (frames.Count == 0)
        {
            error = "vpdq value has no frames";
            return false;
        }
        value = Format(frames);
        error = null;
        return true;
    }

    /// <summary>The canonical value of a video's frames (at least one).</summary>
    /// <exception cref="ArgumentException">There are no frames.</exception>
    public static string Format(IReadOnlyList<VpdqFrame> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.Count == 0)
            throw new ArgumentException("a vpdq value needs at least one frame", nameof(frames));
        var text = new StringBuilder(frames.Count * 80);
        for (int i = 0; i < frames.Count; i++)
        {
            var frame = frames[i];
            if (i > 0)
                text.Append('\n');
            text.Append(frame.FrameNumber.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(frame.Quality.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(frame.Hash.ToString());
            if (double.IsFinite(frame.TimestampSeconds))
                text.Append(',').Append(frame.TimestampSeconds.ToString("F3", CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    /// <summary>The signal for a video's frames (at least one).</summary>
    public static Signal Create(IReadOnlyList<VpdqFrame> frames) => new(SignalType.Vpdq, Format(frames));

    /// <summary>The frames of a vPDQ value (canonical or not); throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static IReadOnlyList<VpdqFrame> Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var trimmed = value.AsSpan().Trim();
        return IsJson(trimmed) ? ParseJson(trimmed.ToString()) : VpdqFormat.Parse(value);
    }

    private static bool IsJson(ReadOnlySpan<char> trimmed) => !trimmed.IsEmpty && trimmed[0] is '{' or '[';

    /// <summary>
    /// The hashes a video is matched by: its frames with quality at least <paramref name="minQuality"/>,
    /// identical hashes once, in the order they first appear.
    /// </summary>
    public static PdqHash[] MatchableHashes(IReadOnlyList<VpdqFrame> frames, int minQuality = MinimumQuality)
    {
        ArgumentNullException.ThrowIfNull(frames);
        var seen = new HashSet<PdqHash>(frames.Count);
        var hashes = new List<PdqHash>(frames.Count);
        for (int i = 0; i < frames.Count; i++)
        {
            var frame = frames[i];
            if (frame.Quality >= minQuality && seen.Add(frame.Hash))
                hashes.Add(frame.Hash);
        }
        return [.. hashes];
    }

    /// <summary>The matchable hashes (see <see cref="MatchableHashes(IReadOnlyList{VpdqFrame}, int)"/>) of a vPDQ value.</summary>
    public static PdqHash[] MatchableHashes(string value, int minQuality = MinimumQuality) => MatchableHashes(Parse(value), minQuality);

    // python-threatexchange's vpdq_to_json: an object keyed by frame number, each
    // {"quality": q, "hash": "<64 hex>", "timestamp": seconds} (older), or a list of
    // "pdqHex,quality,timestamp" strings (newer, VpdqCompactFeature).
    private static List<VpdqFrame> ParseJson(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"vpdq JSON is not valid: {e.Message}");
        }
        using (document)
        {
            if (document.RootElement.ValueKind == JsonValueKind.Array)
                return ParseCompactJson(document.RootElement);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new FormatException("vpdq JSON must be an object keyed by frame number or a list of \"pdqHex,quality,timestamp\" strings");
            var frames = new List<VpdqFrame>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!int.TryParse(property.Name, NumberStyles.None, CultureInfo.InvariantCulture, out int frameNumber))
                    throw new FormatException($"vpdq JSON: key '{property.Name}' is not a frame number");
                var feature = property.Value;
                if (feature.ValueKind != JsonValueKind.Object
                    || !feature.TryGetProperty("quality", out var q) || !q.TryGetInt32(out int quality) || quality is < 0 or > 100
                    || !feature.TryGetProperty("hash", out var h) || h.ValueKind != JsonValueKind.String || !PdqHash.TryParse(h.GetString(), out var hash))
                {
                    throw new FormatException($"vpdq JSON: frame {property.Name} needs a quality 0 to 100 and a 64-digit hex hash");
                }
                double timestamp = double.NaN;
                if (feature.TryGetProperty("timestamp", out var t) && (!t.TryGetDouble(out timestamp) || timestamp < 0 || !double.IsFinite(timestamp)))
                    throw new FormatException($"vpdq JSON: frame {property.Name}: timestamp is not a non-negative number of seconds");
                frames.Add(new VpdqFrame(frameNumber, quality, hash, timestamp));
            }
            return frames;
        }
    }

    private static List<VpdqFrame> ParseCompactJson(JsonElement list)
    {
        var frames = new List<VpdqFrame>(list.GetArrayLength());
        int index = 0;
        foreach (var item in list.EnumerateArray())
        {
            string? feature = item.ValueKind == JsonValueKind.String ? item.GetString() : null;
            var parts = feature?.Split(',');
            if (parts is not { Length: 3 }
                || !PdqHash.TryParse(parts[0], out var hash)
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int quality) || quality > 100
                || !double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double timestamp)
                || timestamp < 0 || !double.IsFinite(timestamp))
            {
                throw new FormatException($"vpdq JSON: item {index} is not \"pdqHex,quality,timestamp\" (64 hex digits, quality 0 to 100, seconds)");
            }
            frames.Add(new VpdqFrame(index, quality, hash, timestamp));
            index++;
        }
        return frames;
    }
}
