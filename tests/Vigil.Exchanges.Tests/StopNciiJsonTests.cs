using System.Text.Json;
using Vigil.Hashing.Signals;

namespace Vigil.Exchanges.Tests;

public class StopNciiJsonTests
{
    private static readonly string Pdq = new('d', 64);

    private static string Record(string signalType = "ImagePDQ", string? hashValue = null, string hashStatus = "Active") =>
        $"{{\"lastModtimestamp\": 1700000000, \"signalType\": \"{signalType}\", \"hashValue\": \"{hashValue ?? Pdq}\", \"hashStatus\": \"{hashStatus}\", \"caseNumbers\": {{}}}}";

    private static string Page(params string[] records) =>
        "{\"count\": " + records.Length + ", \"nextPageToken\": \"t\", \"hasMoreRecords\": false, \"hashRecords\": [\n" + string.Join(",\n", records) + "\n]}";

    [Fact]
    public void ReadsASinglePage()
    {
        var entries = Samples.Entries(Samples.Read(Samples.Bytes("stopncii-page.json"), HashListFormat.StopNciiJson));

        Assert.Equal([7, 25, 35], entries.Select(e => e.Line));
        Assert.Equal([HashListAction.Add, HashListAction.Add, HashListAction.Remove], entries.Select(e => e.Action));
        Assert.Equal(
            [new Signal(SignalType.Pdq, "7eae69118ea57fa267768d92b1c69007ba7784319c68fa6ffaafa338bc8e06a3"),
             new Signal(SignalType.Pdq, "da7d980da2c3b020033c31a5e2f7992081f3461c41692328f4f43c16642d8e3e"),
             new Signal(SignalType.Md5, "dd39bfebfa3dd76b3c8f3b24a686999d")],
            entries.Select(e => Assert.Single(e.Signals)));
        Assert.All(entries, e =>
        {
            Assert.Equal("stopncii", e.Source);
            Assert.Equal(e.Signals[0].Value, e.SourceId);
            Assert.Null(e.Classification);
        });

        using var metadata = JsonDocument.Parse(entries[0].MetadataJson!);
        var root = metadata.RootElement;
        Assert.Equal(["lastModtimestamp", "hashStatus", "caseNumbers", "CSPFeedbacks"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Active", root.GetProperty("caseNumbers").GetProperty("11111111-2222-4333-8444-555555555555").GetString());
        Assert.Equal("Blocked", root.GetProperty("CSPFeedbacks")[0].GetProperty("feedbackValue").GetString());
        Assert.Contains("\"hashStatus\":\"Received\"", entries[1].MetadataJson);
    }

    [Fact]
    public void ReadsAnArrayOfPagesAndJsonLines()
    {
        var fromArray = Samples.Entries(Samples.Read(Samples.Bytes("stopncii-pages.json"), HashListFormat.StopNciiJson));
        var fromLines = Samples.Entries(Samples.Read(Samples.Bytes("stopncii-pages.jsonl"), HashListFormat.StopNciiJson));

        Assert.Equal([8, 26, 36, 53, 60], fromArray.Select(e => e.Line));
        Assert.Equal([1, 1, 1, 2, 2], fromLines.Select(e => e.Line));
        Assert.Equal(fromArray.Select(e => e with { Line = 0 }), fromLines.Select(e => e with { Line = 0 }));

        Assert.Equal(HashListAction.Remove, fromArray[3].Action); // "Deleted", with "caseNumbers": [].
        Assert.Contains("\"caseNumbers\":[]", fromArray[3].MetadataJson);
        Assert.Contains("\"hashRegions\":[\"UK\"]", fromArray[4].MetadataJson);
    }

    [Fact]
    public void BadRecordsAreErrorsAndTheOthersStillRead()
    {
        string text = Page(
            Record(hashStatus: "Archived"),
            Record(signalType: "Text", hashValue: "some words"),
            Record(hashValue: Pdq[..63]),
            "{\"signalType\": \"ImagePDQ\", \"hashStatus\": \"Active\"}",
            "42",
            Record(signalType: "VideoTMK", hashStatus: "Unknown"),
            Record(signalType: "PDQ", hashStatus: "withdrawn"));

        var items = Samples.Read(text, HashListFormat.StopNciiJson);

        Assert.Equal(
            ["line 2: unknown hashStatus 'Archived' (known: Received, Active, Withdrawn, Deleted)",
             "line 3: unsupported StopNCII signalType 'Text' (Vigil takes ImagePDQ and VideoMD5)",
             "line 4: pdq value must be 64 hex digits, got 63 characters",
             "line 5: the hash record has no string \"hashValue\"",
             "line 6: a hash record must be a JSON object, got a JSON number",
             "line 7: unsupported StopNCII signalType 'VideoTMK' (Vigil takes ImagePDQ and VideoMD5); unknown hashStatus 'Unknown' (known: Received, Active, Withdrawn, Deleted)"],
            items.Take(6).Select(i => i.Error!.Message));
        Assert.Equal(HashListAction.Remove, items[6].Entry!.Action);
        Assert.Equal(8, items[6].Line);
        Assert.Equal(7, items.Count);
    }

    [Fact]
    public void TruncatedJsonEndsWithOneErrorAtTheRightLine()
    {
        string text = Samples.Text("stopncii-pages.json");
        string truncated = text[..text.IndexOf("\"hashRegions\"", StringComparison.Ordinal)];

        var items = Samples.Read(truncated, HashListFormat.StopNciiJson);

        Assert.Equal([8, 26, 36, 53], items.Take(4).Select(i => i.Entry!.Line));
        var error = items[4].Error!;
        Assert.Equal(5, items.Count);
        Assert.Equal(text[..text.IndexOf("\"hashRegions\"", StringComparison.Ordinal)].Count(c => c == '\n') + 1, error.Line);
        Assert.StartsWith($"line {error.Line}: malformed JSON: ", error.Message);
    }

    [Fact]
    public void SyntaxErrorsInsideAPageGiveTheirLineAndEndTheFile()
    {
        string text = Page(Record()) + "\n" + Page(Record(), Record().Replace(", \"caseNumbers\"", " \"caseNumbers\"")) + "\n" + Page(Record());

        var items = Samples.Read(text, HashListFormat.StopNciiJson);

        Assert.Equal([2, 5, 6], items.Select(i => i.Line));
        Assert.StartsWith("line 6: malformed JSON: ", items[2].Error!.Message);
        Assert.DoesNotContain("LineNumber", items[2].Error!.Message);
    }

    [Theory]
    [InlineData("{\"hashRecords\": []}\nnot json\n", "line 2: malformed JSON: expected a FetchHashes page object '{', got 'n'")]
    [InlineData("[{\"hashRecords\": []} {\"hashRecords\": []}]", "line 1: malformed JSON: expected ',' or ']', got '{'")]
    [InlineData("[{\"hashRecords\": []},\n]", "line 2: malformed JSON: expected a page object '{', got ']'")]
    [InlineData("[{\"hashRecords\": []}]\n{}", "line 2: malformed JSON: expected nothing after the closing ']', got '{'")]
    [InlineData("[\n{\"hashRecords\": []}\n", "line 3: malformed JSON: the file ends before the array of pages is closed with ']'")]
    [InlineData("{\"hashRecords\": {}}", "line 1: malformed JSON: \"hashRecords\" must be an array")]
    [InlineData("\"text\"", "line 1: malformed JSON: expected a FetchHashes page object '{', got '\"'")]
    public void BrokenStructureIsOneError(string text, string message)
    {
        var error = Samples.SingleError(Samples.Read(text, HashListFormat.StopNciiJson));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void AnObjectThatIsNotAPageIsAnErrorButTheNextPageStillReads()
    {
        string text = "{\"status\": \"ok\"}\n" + Page(Record());

        var items = Samples.Read(text, HashListFormat.StopNciiJson);

        Assert.Equal("line 1: the object has no \"hashRecords\" array (is it a StopNCII FetchHashes page?)", items[0].Error!.Message);
        Assert.Equal(3, items[1].Entry!.Line);
    }

    [Fact]
    public void EmptyInputAndEmptyPagesHaveNoEntries()
    {
        Assert.Empty(Samples.Read("", HashListFormat.StopNciiJson));
        Assert.Empty(Samples.Read("\uFEFF [ ] ", HashListFormat.StopNciiJson));
        Assert.Empty(Samples.Read("{\"count\": 0, \"hashRecords\": null}", HashListFormat.StopNciiJson));
    }

    [Fact]
    public void InvalidUtf8IsAnErrorOrReplacedButNeverAnException()
    {
        // 0xC3 0x28 is not UTF-8. In a value the reader decodes it is malformed JSON; in a name it only
        // copies into the metadata it becomes U+FFFD.
        var inValue = Samples.Read(WithInvalidUtf8(Page(Record(), Record()), Pdq), HashListFormat.StopNciiJson);
        var inName = Samples.Read(WithInvalidUtf8(Page(Record(), Record()), "caseNumbers"), HashListFormat.StopNciiJson);

        Assert.StartsWith("line 2: malformed JSON: ", Samples.SingleError(inValue).Message);
        Assert.Equal(2, Samples.Entries(inName).Count);
        Assert.Contains("\"\\uFFFD(\":{}", inName[0].Entry!.MetadataJson);
    }

    private static byte[] WithInvalidUtf8(string text, string firstOccurrenceOf)
    {
        int at = text.IndexOf(firstOccurrenceOf, StringComparison.Ordinal);
        var bytes = System.Text.Encoding.UTF8.GetBytes(text[..at] + "X" + text[(at + firstOccurrenceOf.Length)..]).ToList();
        int marker = bytes.IndexOf((byte)'X');
        bytes[marker] = 0xC3;
        bytes.Insert(marker + 1, 0x28);
        return [.. bytes];
    }
}
