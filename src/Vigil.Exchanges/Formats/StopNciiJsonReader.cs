using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using Vigil.Hashing.Signals;

namespace Vigil.Exchanges.Formats;

/// <summary>
/// Reads StopNCII <c>FetchHashes</c> responses (the shape python-threatexchange's
/// <c>stopncii/api.py</c> decodes): a page is <c>{"count", "nextPageToken", "nextSetTimestamp",
/// "hasMoreRecords", "hashRecords": [...]}</c> and a record is <c>{"lastModtimestamp", "signalType",
/// "hashValue", "hashStatus", "caseNumbers": {case id: status}, "CSPFeedbacks": [...], ...}</c>.
/// <c>signalType</c> is one of <c>ImagePDQ</c>, <c>VideoMD5</c>, <c>VideoTMK</c>, <c>Text</c>,
/// <c>URL</c>, <c>Unknown</c>; <c>hashStatus</c> one of <c>Received</c>, <c>Active</c>,
/// <c>Withdrawn</c>, <c>Deleted</c> (the last two mean the hash must be dropped).
/// </summary>
internal static class StopNciiJsonReader
{
    public const string SourceName = "stopncii";

    private static readonly string[] s_knownStatuses = ["Received", "Active", "Withdrawn", "Deleted"];

    public static IEnumerable<HashListItem> Read(Stream stream)
    {
        var splitter = new JsonPageSplitter(stream);
        while (true)
        {
            JsonPage? page;
            HashListItem? fatal = null;
            try
            {
                page = splitter.ReadPage();
            }
            catch (MalformedListException ex)
            {
                page = null;
                fatal = HashListItem.Failure(ex.Line, $"malformed JSON: {ex.Message}");
            }
            if (fatal is not null)
            {
                yield return fatal;
                yield break;
            }
            if (page is null)
                yield break;

            var items = ParsePage(page, out bool malformed);
            foreach (var item in items)
                yield return item;
            if (malformed)
                yield break;
        }
    }

    /// <summary>The page's records in order; <paramref name="malformed"/> is set when the page is not valid JSON (its last item says where).</summary>
    private static List<HashListItem> ParsePage(JsonPage page, out bool malformed)
    {
        var items = new List<HashListItem>();
        var bytes = page.Bytes.Span;
        var reader = new Utf8JsonReader(bytes);
        int countedUpTo = 0;
        int line = page.Line;
        malformed = false;
        try
        {
            reader.Read(); // The splitter cut the page at its opening brace.
            bool sawRecords = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isRecords = reader.ValueTextEquals("hashRecords"u8);
                reader.Read();
                if (!isRecords)
                {
                    reader.Skip();
                    continue;
                }
                sawRecords = true;
                if (reader.TokenType == JsonTokenType.Null)
                    continue;
                if (reader.TokenType != JsonTokenType.StartArray)
                    throw new MalformedListException(LineAt(bytes, (int)reader.TokenStartIndex, ref countedUpTo, ref line), "\"hashRecords\" must be an array");
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    int recordLine = LineAt(bytes, (int)reader.TokenStartIndex, ref countedUpTo, ref line);
                    using var record = JsonDocument.ParseValue(ref reader);
                    items.Add(ParseRecord(record.RootElement, recordLine));
                }
            }
            if (!sawRecords)
                items.Add(HashListItem.Failure(page.Line, "the object has no \"hashRecords\" array (is it a StopNCII FetchHashes page?)"));
        }
        catch (JsonException ex)
        {
            malformed = true;
            items.Add(HashListItem.Failure(page.Line + (int)(ex.LineNumber ?? 0), $"malformed JSON: {Json.DescribeError(ex)}"));
        }
        catch (MalformedListException ex)
        {
            malformed = true;
            items.Add(HashListItem.Failure(ex.Line, $"malformed JSON: {ex.Message}"));
        }
        catch (InvalidOperationException ex)
        {
            // Utf8JsonReader leaves UTF-8 validation of string contents to the moment they are decoded.
            malformed = true;
            items.Add(HashListItem.Failure(LineAt(bytes, (int)reader.TokenStartIndex, ref countedUpTo, ref line), $"malformed JSON: {ex.Message}"));
        }
        return items;
    }

    private static int LineAt(ReadOnlySpan<byte> bytes, int index, ref int countedUpTo, ref int line)
    {
        index = Math.Clamp(index, countedUpTo, bytes.Length);
        line += bytes[countedUpTo..index].Count((byte)'\n');
        countedUpTo = index;
        return line;
    }

    private static HashListItem ParseRecord(JsonElement record, int line)
    {
        if (record.ValueKind != JsonValueKind.Object)
            return HashListItem.Failure(line, $"a hash record must be a JSON object, got a JSON {record.ValueKind.ToString().ToLowerInvariant()}");

        var problems = new List<string>();
        var signalTypeName = StringProperty(record, "signalType", problems);
        var hashValue = StringProperty(record, "hashValue", problems);
        var hashStatus = StringProperty(record, "hashStatus", problems);

        SignalType? type = null;
        if (signalTypeName is not null && !TryMapSignalType(signalTypeName, out type))
            problems.Add($"unsupported StopNCII signalType '{Text.Shorten(signalTypeName)}' (Vigil takes ImagePDQ and VideoMD5)");

        string? value = null;
        if (type is not null && hashValue is not null && !type.TryNormalize(hashValue, out value, out var valueError))
            problems.Add(valueError);

        var action = HashListAction.Add;
        if (hashStatus is not null && !TryMapStatus(hashStatus, out action))
            problems.Add($"unknown hashStatus '{Text.Shorten(hashStatus)}' (known: {string.Join(", ", s_knownStatuses)})");

        if (problems.Count > 0 || type is null || value is null)
            return HashListItem.Failure(line, string.Join("; ", problems));

        return HashListItem.Of(new HashListEntry(
            line, action, [new Signal(type, value)],
            Source: SourceName,
            SourceId: value,
            MetadataJson: Metadata(record)));
    }

    private static string? StringProperty(JsonElement record, string name, List<string> problems)
    {
        if (record.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.String)
            return property.GetString();
        problems.Add($"the hash record has no string \"{name}\"");
        return null;
    }

    private static bool TryMapSignalType(string name, [NotNullWhen(true)] out SignalType? type)
    {
        type = name.ToLowerInvariant() switch
        {
            "imagepdq" or "pdq" => SignalType.Pdq,
            "videomd5" or "md5" => SignalType.Md5,
            _ => null,
        };
        return type is not null;
    }

    private static bool TryMapStatus(string status, out HashListAction action)
    {
        // Received is the initial state of a case the person has submitted; it is already a hash to match.
        switch (status.ToLowerInvariant())
        {
            case "received" or "active":
                action = HashListAction.Add;
                return true;
            case "withdrawn" or "deleted":
                action = HashListAction.Remove;
                return true;
            default:
                action = HashListAction.Add;
                return false;
        }
    }

    /// <summary>Every member of the record but the signal itself (status, case numbers, feedback, timestamps), verbatim.</summary>
    private static string? Metadata(JsonElement record)
    {
        using var buffer = new MemoryStream();
        bool any = false;
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var property in record.EnumerateObject())
            {
                if (property.NameEquals("signalType") || property.NameEquals("hashValue"))
                    continue;
                property.WriteTo(json);
                any = true;
            }
            json.WriteEndObject();
        }
        return any ? Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length) : null;
    }
}
