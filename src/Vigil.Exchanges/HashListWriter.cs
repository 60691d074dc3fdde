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
    /// Writes <paramref name="entries"/> to <paramref name="writer"/> with <c>\n</c> line breaks.
    /// <c>te</c>: one <c>signal_type value</c> line per signal. <c>csv</c>: <see cref="CsvHeader"/>, then
    /// one row per entry, or several when an entry holds more than one signal of a type (each further row
    /// repeats the entry's other columns). Only additions with at least one canonical signal can be written.
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
            foreach (var signal in entry.Signals)
            {
                writer.Write(signal.Type.Name);
                writer.Write(' ');
                writer.Write(signal.Value);
                writer.Write('\n');
            }
        }
    }

    private static void WriteCsv(TextWriter writer, IEnumerable<HashListEntry> entries)
    {
        writer.Write(CsvHeader);
        writer.Write('\n');
        foreach (var entry in entries)
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
                writer.Write('\n');
            }
        }
    }

    private static void Validate(HashListEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Action != HashListAction.Add)
            throw new ArgumentException($"only additions can be written, not a removal ({entry})", nameof(entry));
        if (entry.Signals.Count == 0)
            throw new ArgumentException($"an entry without signals cannot be written ({entry})", nameof(entry));
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
