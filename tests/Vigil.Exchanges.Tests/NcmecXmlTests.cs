using System.Text.Json;
using Vigil.Hashing.Signals;

namespace Vigil.Exchanges.Tests;

public class NcmecXmlTests
{
    private static readonly string Md5 = new('c', 32);

    private static string Document(string entries, string ns = " xmlns=\"https://hashsharing.ncmec.org/hashsharing/v2\"") =>
        $"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<queryResult{ns}>\n<images count=\"1\" maxTimestamp=\"2024-01-01T00:00:00Z\">\n{entries}\n</images>\n</queryResult>\n";

    private static string Image(string id, string fingerprints, string element = "image") =>
        $"<{element}><member id=\"7\">M</member><id>{id}</id><fingerprints>{fingerprints}</fingerprints></{element}>";

    [Fact]
    public void ReadsTheSampleEntriesRemovalsAndLines()
    {
        var entries = Samples.Entries(Samples.Read(Samples.Bytes("ncmec-entries.xml"), HashListFormat.NcmecXml));

        Assert.Equal([4, 23, 33, 40, 50], entries.Select(e => e.Line));
        Assert.Equal(["img-0001", "img-0002", "img-0000", "vid-0001", "vid-0000"], entries.Select(e => e.SourceId));
        Assert.Equal(["ncmec:member:42", "ncmec:member:43", "ncmec:member:42", "ncmec:member:101", "ncmec:member:101"], entries.Select(e => e.Source));
        Assert.Equal(
            [HashListAction.Add, HashListAction.Add, HashListAction.Remove, HashListAction.Add, HashListAction.Remove],
            entries.Select(e => e.Action));
        Assert.Equal(["A1", "B2", null, "A2", null], entries.Select(e => e.Classification));

        Assert.Equal(
            [new Signal(SignalType.Md5, "82edb6df356860c266e4394d517e32f7"),
             new Signal(SignalType.Sha1, "4988f812456337c0d57dad2746584a073fb35c94"),
             new Signal(SignalType.Pdq, "22e58d5618c328f8d484a83041f5c7e90cc37502b026519304eb3c12a0840acc")],
            entries[0].Signals);
        Assert.Equal("f959c9c7a54aa61d67d1c3dfec5679bb", entries[1].Signals[0].Value); // Uppercase in the file.
        Assert.Empty(entries[2].Signals);
        Assert.Equal(new Signal(SignalType.Md5, "0501d68365cc218a390eb99993c28631"), Assert.Single(entries[3].Signals));

        using var metadata = JsonDocument.Parse(entries[0].MetadataJson!);
        var root = metadata.RootElement;
        Assert.Equal("image", root.GetProperty("entryType").GetString());
        Assert.Equal("42", root.GetProperty("memberId").GetString());
        Assert.Equal("Example Member", root.GetProperty("memberName").GetString());
        Assert.Equal("2024-03-01T09:00:00Z", root.GetProperty("timestamp").GetString());
        Assert.Equal(["pdna"], root.GetProperty("otherFingerprints").EnumerateArray().Select(e => e.GetString()));

        Assert.Contains("\"entryType\":\"video\"", entries[4].MetadataJson);
        Assert.Contains("\"otherFingerprints\":[\"tmk-pdqf\"]", entries[3].MetadataJson);
    }

    [Fact]
    public void ElementsMatchByLocalNameWithOrWithoutANamespace()
    {
        string withNamespace = Samples.Text("ncmec-entries.xml");
        string withoutNamespace = withNamespace.Replace(" xmlns=\"https://hashsharing.ncmec.org/hashsharing/v2\"", "");
        string prefixed = withNamespace
            .Replace(" xmlns=", " xmlns:h=")
            .Replace("<", "<h:").Replace("<h:/", "</h:").Replace("<h:?xml", "<?xml").Replace("<h:!", "<!");
        Assert.DoesNotContain("xmlns=", withoutNamespace);

        var expected = Samples.Entries(Samples.Read(withNamespace, HashListFormat.NcmecXml));
        Assert.Equal(expected, Samples.Entries(Samples.Read(withoutNamespace, HashListFormat.NcmecXml)));
        Assert.Equal(expected, Samples.Entries(Samples.Read(prefixed, HashListFormat.NcmecXml)));
    }

    [Fact]
    public void TruncatedXmlGivesTheEntriesBeforeItThenOneErrorWithALine()
    {
        string text = Samples.Text("ncmec-entries.xml");
        string truncated = text[..(text.IndexOf("<id>img-0002", StringComparison.Ordinal) + 8)];

        var items = Samples.Read(truncated, HashListFormat.NcmecXml);

        Assert.Equal(2, items.Count);
        Assert.Equal("img-0001", items[0].Entry!.SourceId);
        Assert.True(items[1].IsError);
        Assert.Equal(26, items[1].Line);
        Assert.StartsWith("line 26: malformed XML: ", items[1].Error!.Message);
    }

    [Fact]
    public void MismatchedTagsAreMalformedXml()
    {
        string text = Document(Image("a", $"<md5>{Md5}</md5>") + "\n<image><id>b</image>");

        var items = Samples.Read(text, HashListFormat.NcmecXml);

        Assert.Equal("a", items[0].Entry!.SourceId);
        Assert.Equal(5, items[1].Error!.Line);
        Assert.Equal(2, items.Count);
    }

    [Fact]
    public void DtdsAndEntitiesAreRefused()
    {
        string laughs = "<?xml version=\"1.0\"?>\n<!DOCTYPE queryResult [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>\n"
                        + "<queryResult><images><image><id>&b;</id></image></images></queryResult>";
        string external = "<?xml version=\"1.0\"?>\n<!DOCTYPE queryResult [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
                          + "<queryResult><images><image><id>&x;</id></image></images></queryResult>";

        foreach (var text in new[] { laughs, external })
        {
            var error = Samples.SingleError(Samples.Read(text, HashListFormat.NcmecXml));
            // XmlReader gives no position for this refusal, so the line is where reading had got to.
            Assert.Equal(1, error.Line);
            Assert.Contains("DTD is prohibited", error.Message);
        }
    }

    [Fact]
    public void BadEntriesAreErrorsNamingTheEntryAndReadingGoesOn()
    {
        string entries = string.Join("\n",
            Image("short", "<md5>abc</md5>"),
            Image("photodna-only", "<pdna>0011</pdna>"),
            "<image><member id=\"7\">M</member><fingerprints><md5>" + Md5 + "</md5></fingerprints></image>",
            Image("nonhex", $"<md5>{Md5[..31]}x</md5>"),
            Image("good", $"<md5>{Md5}</md5>"));

        var items = Samples.Read(Document(entries), HashListFormat.NcmecXml);

        Assert.Equal(
            ["line 4: entry 'short': md5 value must be 32 hex digits, got 3 characters",
             "line 5: entry 'photodna-only': has no fingerprint Vigil can match (pdq, md5, sha1, sha256); found: pdna",
             "line 6: <image> entry has no <id>",
             "line 7: entry 'nonhex': md5 value contains 'x', which is not a hex digit"],
            items.Take(4).Select(i => i.Error!.Message));
        Assert.Equal("good", items[4].Entry!.SourceId);
        Assert.Equal(8, items[4].Line);
    }

    [Fact]
    public void ADeletedEntryKeepsItsFingerprintsWhenItHasThem()
    {
        string text = Document(Image("gone", $"<md5>{Md5}</md5>", element: "deletedImage"));

        var entry = Assert.Single(Samples.Entries(Samples.Read(text, HashListFormat.NcmecXml)));

        Assert.Equal(HashListAction.Remove, entry.Action);
        Assert.Equal(new Signal(SignalType.Md5, Md5), Assert.Single(entry.Signals));
        Assert.Equal("ncmec:member:7", entry.Source);
    }

    [Fact]
    public void UnexpectedNestingAndCdataAreTolerated()
    {
        string text = Document($"<image><id><![CDATA[ cdata-id ]]></id><extra><image><id>inner</id></image></extra><fingerprints><md5>{Md5}<b/></md5></fingerprints></image>");

        var entry = Assert.Single(Samples.Entries(Samples.Read(text, HashListFormat.NcmecXml)));

        Assert.Equal("cdata-id", entry.SourceId);
        Assert.Equal("ncmec", entry.Source); // No <member>.
    }

    [Fact]
    public void AnEmptyResultHasNoEntriesButAnotherDocumentIsAnError()
    {
        Assert.Empty(Samples.Read("<queryResult xmlns=\"https://hashsharing.ncmec.org/hashsharing/v2\"/>", HashListFormat.NcmecXml));

        var error = Samples.SingleError(Samples.Read("<status><member id=\"1\">Me</member></status>", HashListFormat.NcmecXml));
        Assert.Equal("line 1: not an NCMEC hash sharing entries document: no <queryResult>, <images> or <videos> element", error.Message);
    }

    [Fact]
    public void SeveralPagesWrappedInOneRootAreRead()
    {
        string page = Samples.Text("ncmec-entries.xml").Replace("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n", "");
        string text = $"<pages>\n{page}{page}</pages>\n";

        var entries = Samples.Entries(Samples.Read(text, HashListFormat.NcmecXml));

        Assert.Equal(10, entries.Count);
        Assert.Equal(4, entries[0].Line);
        Assert.Equal(entries[..5].Select(e => e with { Line = 0 }), entries[5..].Select(e => e with { Line = 0 }));
    }
}
