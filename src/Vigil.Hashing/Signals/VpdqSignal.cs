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
/// reads HMA's JSON form (<c>{"0": {"quality": 100, "hash": "...", "timestamp": 0.0}, ...}</c>),
/// which python-threatexchange stores for vpdq, and turns it into the text form.
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
            frames = trimmed[0] == '{' ? ParseJson(trimmed.ToString()) : VpdqFormat.Parse(trimmed.ToString());
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
        return !trimmed.IsEmpty && trimmed[0] == '{' ? ParseJson(trimmed.ToString()) : VpdqFormat.Parse(value);
    }

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

    // HMA (python-threatexchange vpdq_to_json): an object keyed by frame number, each
    // {"quality": q, "hash": "<64 hex>", "timestamp": seconds}.
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
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new FormatException("vpdq JSON must be an object keyed by frame number");
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
}
