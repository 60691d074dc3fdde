using System.Text;
using System.Text.Json;
using System.Xml;
using Vigil.Hashing.Signals;

namespace Vigil.Exchanges.Formats;

/// <summary>
/// Reads NCMEC hash sharing <c>GET /v2/entries</c> responses, streaming with <see cref="XmlReader"/>.
/// The shape (from NCMEC's hash sharing API v2 as python-threatexchange's <c>ncmec/hash_api.py</c>
/// parses it): a <c>queryResult</c> root in the <c>https://hashsharing.ncmec.org/hashsharing/v2</c>
/// namespace holding <c>images</c> and <c>videos</c>, whose children are <c>image</c>, <c>video</c>,
/// <c>deletedImage</c> and <c>deletedVideo</c> entries. An entry has <c>member id=".."</c> (with the
/// member's name as text), <c>id</c>, <c>timestamp</c>, optional <c>classification</c>,
/// <c>fingerprints</c> (<c>md5</c>, <c>sha1</c>, <c>pdq</c>, and ones Vigil cannot match such as
/// <c>pdna</c>, <c>tmk-pdqf</c>, <c>videntifier</c>) and <c>feedback</c>. Entry ids are unique per
/// member. Elements are matched by local name, so the namespace may be present or not.
/// </summary>
internal sealed class NcmecXmlReader : IDisposable
{
    private const string SourcePrefix = "ncmec";

    private readonly XmlReader _reader;
    private readonly IXmlLineInfo? _lineInfo;
    private bool _done;
    private bool _sawEntryContainer;

    private NcmecXmlReader(Stream stream)
    {
        var settings = new XmlReaderSettings
        {
            // These files come from outside: no DTDs, so no entity expansion and no external fetches.
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            IgnoreWhitespace = true,
            CloseInput = false,
        };
        _reader = XmlReader.Create(stream, settings);
        _lineInfo = _reader as IXmlLineInfo;
    }

    public static IEnumerable<HashListItem> Read(Stream stream)
    {
        using var reader = new NcmecXmlReader(stream);
        while (reader.Next() is { } item)
            yield return item;
    }

    public void Dispose() => _reader.Dispose();

    private int CurrentLine => Math.Max(1, _lineInfo?.LineNumber ?? 1);

    /// <summary>The next entry or error, or null at the end; malformed XML gives one error and ends the file.</summary>
    private HashListItem? Next()
    {
        if (_done)
            return null;
        try
        {
            return NextCore();
        }
        catch (XmlException ex)
        {
            _done = true;
            return HashListItem.Failure(ex.LineNumber > 0 ? ex.LineNumber : CurrentLine, $"malformed XML: {ex.Message}");
        }
        catch (DecoderFallbackException ex)
        {
            _done = true;
            return HashListItem.Failure(CurrentLine, $"malformed XML: {ex.Message}");
        }
    }

    private HashListItem? NextCore()
    {
        while (_reader.Read())
        {
            if (_reader.NodeType != XmlNodeType.Element)
                continue;
            switch (_reader.LocalName)
            {
                case "queryResult" or "images" or "videos":
                    _sawEntryContainer = true;
                    break;
                case "image" or "video" or "deletedImage" or "deletedVideo":
                    _sawEntryContainer = true;
                    return ReadEntry();
            }
        }
        _done = true;
        return _sawEntryContainer
            ? null
            : HashListItem.Failure(1, "not an NCMEC hash sharing entries document: no <queryResult>, <images> or <videos> element");
    }

    private HashListItem ReadEntry()
    {
        int line = CurrentLine;
        string elementName = _reader.LocalName;
        bool deleted = elementName.StartsWith("deleted", StringComparison.Ordinal);
        string entryType = deleted ? elementName["deleted".Length..].ToLowerInvariant() : elementName;

        var fields = new EntryFields();
        if (!_reader.IsEmptyElement)
        {
            int depth = _reader.Depth;
            while (_reader.Read() && !(_reader.NodeType == XmlNodeType.EndElement && _reader.Depth == depth))
            {
                if (_reader.NodeType == XmlNodeType.Element && _reader.Depth == depth + 1)
                    ReadEntryChild(fields);
            }
        }
        return ToItem(line, elementName, entryType, deleted, fields);
    }

    private void ReadEntryChild(EntryFields fields)
    {
        switch (_reader.LocalName)
        {
            case "id":
                fields.Id = ReadText();
                break;
            case "member":
                fields.MemberId = _reader.GetAttribute("id")?.Trim();
                fields.MemberName = ReadText();
                break;
            case "timestamp":
                fields.Timestamp = ReadText();
                break;
            case "classification":
                fields.Classification = ReadText();
                break;
            case "fingerprints":
                ReadFingerprints(fields);
                break;
            default:
                SkipElement();
                break;
        }
    }

    private void ReadFingerprints(EntryFields fields)
    {
        if (_reader.IsEmptyElement)
            return;
        int depth = _reader.Depth;
        while (_reader.Read() && !(_reader.NodeType == XmlNodeType.EndElement && _reader.Depth == depth))
        {
            if (_reader.NodeType != XmlNodeType.Element || _reader.Depth != depth + 1)
                continue;
            string name = _reader.LocalName;
            if (SignalType.TryFromName(name, out var type))
                fields.Fingerprints.Add((type, ReadText()));
            else
            {
                // PhotoDNA, TMK and Videntifier fingerprints cannot be matched by Vigil; keep only their names.
                fields.OtherFingerprints.Add(name);
                SkipElement();
            }
        }
    }

    /// <summary>The text inside the current element (nested elements skipped); leaves the reader on its end.</summary>
    private string ReadText()
    {
        if (_reader.IsEmptyElement)
            return "";
        int depth = _reader.Depth;
        var text = new StringBuilder();
        while (_reader.Read() && !(_reader.NodeType == XmlNodeType.EndElement && _reader.Depth == depth))
        {
            if (_reader.Depth == depth + 1 && _reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace)
                text.Append(_reader.Value);
        }
        return text.ToString().Trim();
    }

    private void SkipElement() => ReadText();

    private static HashListItem ToItem(int line, string elementName, string entryType, bool deleted, EntryFields fields)
    {
        if (string.IsNullOrEmpty(fields.Id))
            return HashListItem.Failure(line, $"<{elementName}> entry has no <id>");

        var problems = new List<string>();
        var signals = new List<Signal>();
        foreach (var (type, raw) in fields.Fingerprints)
        {
            if (type.TryNormalize(raw, out var value, out var error))
                signals.Add(new Signal(type, value));
            else
                problems.Add(error);
        }
        if (problems.Count == 0 && signals.Count == 0 && !deleted)
        {
            var found = fields.OtherFingerprints.Count == 0 ? "none" : string.Join(", ", fields.OtherFingerprints);
            problems.Add($"has no fingerprint Vigil can match ({Text.KnownSignalTypes}); found: {found}");
        }
        if (problems.Count > 0)
            return HashListItem.Failure(line, $"entry '{Text.Shorten(fields.Id)}': {string.Join("; ", problems)}");

        return HashListItem.Of(new HashListEntry(
            line,
            deleted ? HashListAction.Remove : HashListAction.Add,
            signals,
            Classification: string.IsNullOrEmpty(fields.Classification) ? null : fields.Classification,
            Source: string.IsNullOrEmpty(fields.MemberId) ? SourcePrefix : $"{SourcePrefix}:member:{fields.MemberId}",
            SourceId: fields.Id,
            MetadataJson: Metadata(entryType, fields)));
    }

    private static string Metadata(string entryType, EntryFields fields)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("entryType", entryType);
            WriteIfPresent(json, "memberId", fields.MemberId);
            WriteIfPresent(json, "memberName", fields.MemberName);
            WriteIfPresent(json, "timestamp", fields.Timestamp);
            if (fields.OtherFingerprints.Count > 0)
            {
                json.WriteStartArray("otherFingerprints");
                foreach (var name in fields.OtherFingerprints)
                    json.WriteStringValue(name);
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void WriteIfPresent(Utf8JsonWriter json, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
            json.WriteString(name, value);
    }

    private sealed class EntryFields
    {
        public string? Id { get; set; }
        public string? MemberId { get; set; }
        public string? MemberName { get; set; }
        public string? Timestamp { get; set; }
        public string? Classification { get; set; }
        public List<(SignalType Type, string Raw)> Fingerprints { get; } = [];
        public List<string> OtherFingerprints { get; } = [];
    }
}
