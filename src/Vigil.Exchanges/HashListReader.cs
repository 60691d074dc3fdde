using System.Text;
using Vigil.Exchanges.Formats;
using Vigil.Hashing.Signals;

namespace Vigil.Exchanges;

/// <summary>
/// Reads hash-list files as a stream of entries and errors, in file order, never holding more than
/// one line, CSV record, XML entry or JSON page in memory: an importer can commit in batches as it goes.
/// </summary>
public static class HashListReader
{
    /// <summary>How many bytes from the start of a file <see cref="Detect(ReadOnlySpan{byte}, string?)"/> looks at.</summary>
    public const int DetectionHeadLength = 4096;

    /// <summary>Detects the format of the file at <paramref name="path"/> from its first bytes and, to break ties, its extension.</summary>
    public static HashListFormat Detect(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.OpenRead(path);
        return Detect(stream, path);
    }

    /// <summary>
    /// Detects the format from the first bytes of a seekable <paramref name="stream"/>, which is put back
    /// where it was. <paramref name="fileName"/> (optional) breaks ties by its extension.
    /// </summary>
    public static HashListFormat Detect(Stream stream, string? fileName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
            throw new ArgumentException("format detection needs a seekable stream; pass the first bytes to Detect(ReadOnlySpan<byte>, string) instead", nameof(stream));
        long start = stream.Position;
        var head = new byte[DetectionHeadLength];
        int length = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        stream.Position = start;
        return Detect(head.AsSpan(0, length), fileName);
    }

    /// <summary>
    /// Detects the format from the first bytes of a file (up to <see cref="DetectionHeadLength"/> are used):
    /// <c>&lt;</c> is NCMEC XML, <c>{</c> or <c>[</c> StopNCII JSON, a first line that is a CSV header
    /// naming a signal column is CSV, anything else <c>te</c>. When the content says nothing (empty, or a
    /// first line that is neither), the extension decides: <c>.csv</c>, <c>.xml</c>, <c>.json</c>/<c>.jsonl</c>.
    /// </summary>
    public static HashListFormat Detect(ReadOnlySpan<byte> head, string? fileName = null)
    {
        var text = DecodeHead(head).AsSpan().TrimStart();
        string extension = Path.GetExtension(fileName ?? "").ToLowerInvariant();
        if (text.IsEmpty)
        {
            return extension switch
            {
                ".csv" => HashListFormat.Csv,
                ".xml" => HashListFormat.NcmecXml,
                ".json" or ".jsonl" or ".ndjson" => HashListFormat.StopNciiJson,
                _ => HashListFormat.Te,
            };
        }
        switch (text[0])
        {
            case '<':
                return HashListFormat.NcmecXml;
            case '{' or '[':
                return HashListFormat.StopNciiJson;
        }
        int lineEnd = text.IndexOfAny('\r', '\n');
        var firstLine = lineEnd < 0 ? text : text[..lineEnd];
        return LooksLikeCsvHeader(firstLine) || extension == ".csv" ? HashListFormat.Csv : HashListFormat.Te;
    }

    /// <summary>
    /// Reads <paramref name="stream"/> as <paramref name="format"/>, lazily. Problems in the content come
    /// back as error items (with the line) and never as exceptions; after a structural one (bad XML or
    /// JSON, an unreadable CSV header, an unterminated quote) the file ends. I/O exceptions propagate.
    /// The stream is left open.
    /// </summary>
    public static IEnumerable<HashListItem> Read(Stream stream, HashListFormat format)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return format switch
        {
            HashListFormat.Te => ReadText(stream, TeListReader.Read),
            HashListFormat.Csv => ReadText(stream, CsvListReader.Read),
            HashListFormat.NcmecXml => NcmecXmlReader.Read(stream),
            HashListFormat.StopNciiJson => StopNciiJsonReader.Read(stream),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "not a hash-list format"),
        };
    }

    /// <summary>
    /// Reads the file at <paramref name="path"/>, detecting its format first when <paramref name="format"/>
    /// is null. The file is opened when enumeration starts and closed when it ends.
    /// </summary>
    public static IEnumerable<HashListItem> Read(string path, HashListFormat? format = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var resolved = format ?? Detect(path);
        return ReadFile(path, resolved);
    }

    private static IEnumerable<HashListItem> ReadFile(string path, HashListFormat format)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 64 * 1024, FileOptions.SequentialScan);
        foreach (var item in Read(stream, format))
            yield return item;
    }

    // Invalid UTF-8 becomes U+FFFD, which then fails as a non-hex character with its line number.
    private static IEnumerable<HashListItem> ReadText(Stream stream, Func<TextReader, IEnumerable<HashListItem>> parse)
    {
        using var reader = new StreamReader(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024, leaveOpen: true);
        foreach (var item in parse(reader))
            yield return item;
    }

    private static string DecodeHead(ReadOnlySpan<byte> head)
    {
        using var reader = new StreamReader(new MemoryStream(head[..Math.Min(head.Length, DetectionHeadLength)].ToArray()), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    // A header names at least one signal column; a lone name ("pdq") counts too, as te would reject it anyway.
    private static bool LooksLikeCsvHeader(ReadOnlySpan<char> line)
    {
        foreach (var range in line.Split(','))
        {
            var cell = line[range].Trim().Trim('"').Trim();
            if (SignalType.TryFromName(cell, out _))
                return true;
        }
        return false;
    }
}
