using System.Globalization;
using System.Text;
using Vigil.Hashing.Pdq;

namespace Vigil.Hashing.Vpdq;

/// <summary>
/// The reference tool's text form of a vPDQ hash: one line per frame,
/// <c>frameNumber,quality,pdqHex,timestampSeconds</c> (timestamp with three decimals). Older
/// files (the reference's sample hashes) have no timestamp column; both are read.
/// </summary>
public static class VpdqFormat
{
    /// <summary>One frame's line, without the line break.</summary>
    public static string FormatLine(in VpdqFrame frame) =>
        string.Create(CultureInfo.InvariantCulture, $"{frame.FrameNumber},{frame.Quality},{frame.Hash},{frame.TimestampSeconds:F3}");

    /// <summary>Every frame's line, each ended by a line feed.</summary>
    public static string Format(IEnumerable<VpdqFrame> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        var text = new StringBuilder();
        foreach (var frame in frames)
            text.Append(FormatLine(frame)).Append('\n');
        return text.ToString();
    }

    /// <summary>
    /// Reads frames from the text form. Blank lines and lines starting with '#' are skipped; a line without a timestamp gets
    /// NaN (the frame rate is not known). Throws <see cref="FormatException"/> naming the line and
    /// what is wrong with it.
    /// </summary>
    public static IReadOnlyList<VpdqFrame> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var frames = new List<VpdqFrame>();
        int lineNumber = 0;
        Span<Range> fields = stackalloc Range[5];
        foreach (var rawLine in text.AsSpan().EnumerateLines())
        {
            lineNumber++;
            var line = rawLine.Trim();
            // Blank lines, and the "# PATH" lines vigil hash writes between videos.
            if (line.IsEmpty || line[0] == '#')
                continue;
            int count = line.Split(fields, ',');
            if (count is not (3 or 4))
                throw new FormatException($"vPDQ line {lineNumber}: expected frameNumber,quality,pdqHex[,timestamp], got {count} fields");
            if (!int.TryParse(line[fields[0]].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int frameNumber))
                throw new FormatException($"vPDQ line {lineNumber}: frame number '{line[fields[0]].ToString()}' is not a non-negative integer");
            if (!int.TryParse(line[fields[1]].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int quality) || quality > 100)
                throw new FormatException($"vPDQ line {lineNumber}: quality '{line[fields[1]].ToString()}' is not 0 to 100");
            if (!PdqHash.TryParse(line[fields[2]].Trim(), out var hash))
                throw new FormatException($"vPDQ line {lineNumber}: '{line[fields[2]].ToString()}' is not a 64-digit hex PDQ hash");
            double timestamp = double.NaN;
            if (count == 4 && (!double.TryParse(line[fields[3]].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out timestamp) || timestamp < 0 || !double.IsFinite(timestamp)))
                throw new FormatException($"vPDQ line {lineNumber}: timestamp '{line[fields[3]].ToString()}' is not a non-negative number of seconds");
            frames.Add(new VpdqFrame(frameNumber, quality, hash, timestamp));
        }
        return frames;
    }
}
