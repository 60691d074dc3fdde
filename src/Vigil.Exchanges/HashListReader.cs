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
    /// What the file at <paramref name="path"/> is when it is plainly not text ("a JPEG image", "binary
    /// data"), or null when it may be a hash list. Importers check this first: read as text, a photo
    /// becomes thousands of invalid lines.
    /// </summary>
    public static string? DescribeBinary(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.OpenRead(path);
        Span<byte> head = stackalloc byte[DetectionHeadLength];
        int length = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return DescribeBinary(head[..length]);
    }

    /// <summary>
    /// What <paramref name="head"/> (the first bytes of a file) is when it is plainly not text: a known
    /// media or archive signature, or control bytes that no text list holds (NUL outside UTF-16/32,
    /// or more than 1% other control characters); null when it may be a hash list.
    /// </summary>
    public static string? DescribeBinary(ReadOnlySpan<byte> head)
    {
        if (KnownSignature(head) is { } known)
            return known;
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) ||
            head.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]))
            return null; // UTF-16 or UTF-32 text, which holds NULs
        int control = 0;
        foreach (byte b in head)
        {
            if (b == 0)
                return "binary data";
            if ((b < 0x20 && b is not ((byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0C)) || b == 0x7F)
                control++;
        }
        return control * 100 > head.Length ? "binary data" : null;
    }

    private static string? KnownSignature(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
            return "a JPEG image";
        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G']))
            return "a PNG image";
        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8))
            return "a GIF image";
        if (head.StartsWith("II*\0"u8) || head.StartsWith("MM\0*"u8))
            return "a TIFF image";
        if (head.Length >= 12 && head.StartsWith("RIFF"u8))
            return head[8..12].SequenceEqual("WEBP"u8) ? "a WebP image" : "a RIFF media file (AVI, WAV)";
        if (head.Length >= 12 && head[4..8].SequenceEqual("ftyp"u8))
            return "an ISO media file (MP4, MOV, HEIC or AVIF)";
        if (head.StartsWith((ReadOnlySpan<byte>)[0x1A, 0x45, 0xDF, 0xA3]))
            return "a Matroska or WebM video";
        if (head.StartsWith("%PDF"u8))
            return "a PDF document";
        if (head.StartsWith("PK\u0003\u0004"u8))
            return "a ZIP archive";
        if (head.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B]))
            return "a gzip file";
        return null;
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
