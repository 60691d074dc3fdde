using Vigil.Hashing.Signals;

namespace Vigil.Exchanges;

/// <summary>
/// Writes hash lists as <c>te</c> or <c>csv</c>, in forms <see cref="HashListReader"/> reads back to the
/// same entries (lines aside; <c>te</c> keeps only the signals, one entry per signal).
/// </summary>
public static class HashListWriter
{
    /// <summary>The header row of written CSV.</summary>
    public const string CsvHeader = "pdq,md5,sha1,sha256,label,source,source_id,note,metadata";

    /// <summary>
    /// The column added to <see cref="CsvHeader"/> when an entry holds <see cref="SignalType.PdqVariant"/> signals (a
    /// Vigil bank built from media): the entry's variants in its first row, separated by spaces. Other tools ignore a
    /// column they do not know; Vigil reads them back as signals of the same content.
    /// </summary>
    public const string CsvVariantColumn = "pdq_variant";

    /// <summary>
    /// How a <see cref="SignalType.PdqVariant"/> is written in <c>te</c>: a comment line (which other tools skip)
    /// following the entry's own line, <c>#vigil pdq_variant HEX</c>; Vigil reads it back as a signal of that entry.
    /// </summary>
    public const string TeVariantMarker = "#vigil";

    /// <summary>
    /// Writes <paramref name="entries"/> to <paramref name="writer"/> with <c>\n</c> line breaks.
    /// <c>te</c>: one <c>signal_type value</c> line per signal. <c>csv</c>: <see cref="CsvHeader"/>, then
    /// one row per entry, or several when an entry holds more than one signal of a type (each further row
    /// repeats the entry's other columns). Only additions with at least one canonical signal can be written.
    /// An entry's <see cref="SignalType.PdqVariant"/> signals are written with markers other tools ignore
    /// (<see cref="TeVariantMarker"/> lines after its own in te, the <see cref="CsvVariantColumn"/> column in csv).
    /// </summary>
    /// <exception cref="NotSupportedException"><paramref name="format"/> is not <c>te</c> or <c>csv</c>.</exception>
    /// <exception cref="ArgumentException">An entry is a removal, has no signals, or holds a non-canonical value.</exception>
    public static void Write(TextWriter writer, HashListFormat format, IEnumerable<HashListEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(entries);
        switch (format)
        {
            case HashListFormat.Te:
                WriteTe(writer, entries);
                break;
            case HashListFormat.Csv:
                WriteCsv(writer, entries);
                break;
            default:
                throw new NotSupportedException($"hash lists can be written as te or csv, not {format}");
        }
    }

    private static void WriteTe(TextWriter writer, IEnumerable<HashListEntry> entries)
    {
        foreach (var entry in entries)
        {
            Validate(entry);
            // te reads one entry per line: the variants follow the line of the entry's pdq (else its first), which a reader attaches them to.
            int anchor = -1;
            for (int i = 0; i < entry.Signals.Count && (anchor < 0 || entry.Signals[anchor].Type != SignalType.Pdq); i++)
            {
                if (!entry.Signals[i].Type.IsDerived && (anchor < 0 || entry.Signals[i].Type == SignalType.Pdq))
                    anchor = i;
            }
            for (int i = 0; i < entry.Signals.Count; i++)
            {
                var signal = entry.Signals[i];
                if (signal.Type.IsDerived)
                    continue;
                WriteTeLine(writer, null, signal);
                if (i != anchor)
                    continue;
                foreach (var variant in entry.Signals)
                {
                    if (variant.Type.IsDerived)
                        WriteTeLine(writer, TeVariantMarker, variant);
                }
            }
        }
    }

    private static void WriteTeLine(TextWriter writer, string? marker, Signal signal)
    {
        if (marker is not null)
        {
            writer.Write(marker);
            writer.Write(' ');
        }
        writer.Write(signal.Type.Name);
        writer.Write(' ');
        writer.Write(signal.Value);
        writer.Write('\n');
    }

    private static void WriteCsv(TextWriter writer, IEnumerable<HashListEntry> entries)
    {
        var list = entries as IReadOnlyList<HashListEntry> ?? entries.ToList();
        bool variants = list.Any(e => e is not null && e.Signals.Any(s => s.Type == SignalType.PdqVariant));
        writer.Write(CsvHeader);
        if (variants)
            writer.Write("," + CsvVariantColumn);
        writer.Write('\n');
        foreach (var entry in list)
        {
            Validate(entry);
            var byType = SignalType.All.Select(type => entry.Signals.Where(s => s.Type == type).Select(s => s.Value).ToList()).ToList();
            int rows = byType.Max(values => values.Count);
            for (int row = 0; row < rows; row++)
            {
                foreach (var values in byType)
                {
                    if (row < values.Count)
                        writer.Write(values[row]);
                    writer.Write(',');
                }
                WriteCsvField(writer, entry.Classification);
                writer.Write(',');
                WriteCsvField(writer, entry.Source);
                writer.Write(',');
                WriteCsvField(writer, entry.SourceId);
                writer.Write(',');
                WriteCsvField(writer, entry.Note);
                writer.Write(',');
                WriteCsvField(writer, entry.MetadataJson);
                if (variants)
                {
                    writer.Write(',');
                    if (row == 0)
                        writer.Write(string.Join(' ', entry.Signals.Where(s => s.Type == SignalType.PdqVariant).Select(s => s.Value)));
                }
                writer.Write('\n');
            }
        }
    }

    private static void Validate(HashListEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Action != HashListAction.Add)
            throw new ArgumentException($"only additions can be written, not a removal ({entry})", nameof(entry));
        if (!entry.Signals.Any(s => !s.Type.IsDerived))
            throw new ArgumentException($"an entry without signals (besides pdq_variant ones) cannot be written ({entry})", nameof(entry));
        foreach (var signal in entry.Signals)
        {
            if (signal.Type is null || !signal.Type.TryNormalize(signal.Value, out var canonical, out var error) || canonical != signal.Value)
                throw new ArgumentException($"signal '{signal}' is not in canonical form ({entry})", nameof(entry));
        }
    }

    // RFC 4180: quote fields holding a separator, a quote or a line break, doubling the quotes.
    private static void WriteCsvField(TextWriter writer, string? value)
    {
        if (string.IsNullOrEmpty(value))
            return;
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            writer.Write(value);
            return;
        }
        writer.Write('"');
        writer.Write(value.Replace("\"", "\"\"", StringComparison.Ordinal));
        writer.Write('"');
    }
}
