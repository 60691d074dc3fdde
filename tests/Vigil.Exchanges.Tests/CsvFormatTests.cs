using Vigil.Hashing.Signals;

namespace Vigil.Exchanges.Tests;

public class CsvFormatTests
{
    private static readonly string Pdq = new('a', 64);
    private static readonly string Md5 = new('b', 32);

    [Fact]
    public void ReadsTheSampleWithQuotingMetadataAndMultiLineFields()
    {
        var entries = Samples.Entries(Samples.Read(Samples.Bytes("sample.csv"), HashListFormat.Csv));

        Assert.Equal([2, 3, 4, 6], entries.Select(e => e.Line));

        Assert.Equal(
            new HashListEntry(2, HashListAction.Add,
                [new Signal(SignalType.Pdq, "2f0c24571815a72775a3e128d754f2f76f2eb88420cf57255c05f7ce819163c5"),
                 new Signal(SignalType.Md5, "b49d439d45a49a4123f7e982898ab8bf")],
                Classification: "A1", Source: "example-ngo", SourceId: "case-1", Note: "plain note"),
            entries[0]);
        Assert.Equal("B1, reviewed", entries[1].Classification);
        Assert.Equal("she said \"hi\"", entries[1].Note);
        Assert.Equal("{\"reviewer\":\"r7\",\"score\":0.5}", entries[1].MetadataJson);
        Assert.Equal([SignalType.Md5, SignalType.Sha1], entries[2].Signals.Select(s => s.Type));
        Assert.Equal("a note\nover two lines", entries[2].Note);
        Assert.Null(entries[2].Classification);
        Assert.Equal(SignalType.Sha256, Assert.Single(entries[3].Signals).Type);
    }

    [Fact]
    public void HeaderNamesIgnoreCaseAndOrderAndUnknownColumnsAreIgnored()
    {
        // The output of `vigil hash --format csv` imports as it is.
        string text = $" Path , PDQ ,Quality, Classification \n\"img,1.jpg\",{Pdq.ToUpperInvariant()},100,B2\n";

        var entry = Assert.Single(Samples.Entries(Samples.Read(text, HashListFormat.Csv)));

        Assert.Equal(new Signal(SignalType.Pdq, Pdq), Assert.Single(entry.Signals));
        Assert.Equal("B2", entry.Classification);
    }

    [Fact]
    public void SpacesAroundCellsAndQuotedFieldsAreTrimmedAndEmptyCellsAreAbsent()
    {
        string text = $"md5,label,note\n  {Md5}  ,  \"x, y\"  ,   \n";

        var entry = Assert.Single(Samples.Entries(Samples.Read(text, HashListFormat.Csv)));

        Assert.Equal(Md5, entry.Signals[0].Value);
        Assert.Equal("x, y", entry.Classification);
        Assert.Null(entry.Note);
    }

    [Fact]
    public void AnActionColumnMakesRemovals()
    {
        string text = $"md5,source,source_id,action\n{Md5},,,add\n{Md5},,,REMOVE\n,ncmec:member:1,img-9,remove\n,,,remove\n{Md5},,,drop\n";

        var items = Samples.Read(text, HashListFormat.Csv);

        Assert.Equal(HashListAction.Add, items[0].Entry!.Action);
        Assert.Equal(HashListAction.Remove, items[1].Entry!.Action);
        Assert.Equal(("ncmec:member:1", "img-9"), (items[2].Entry!.Source, items[2].Entry!.SourceId));
        Assert.Empty(items[2].Entry!.Signals);
        Assert.Equal("line 5: a removal row needs a signal or a source_id", items[3].Error!.Message);
        Assert.Equal("line 6: unknown action 'drop' (expected add or remove)", items[4].Error!.Message);
    }

    [Theory]
    [InlineData("label,note\nx,y\n", "line 1: the header has no signal column (need at least one of pdq, md5, sha1, sha256); it has 'label', 'note'")]
    [InlineData("pdq,PDQ\n", "line 1: column 'pdq' appears more than once in the header")]
    [InlineData("pdq,label,classification\n", "line 1: column 'label' appears more than once in the header")]
    [InlineData("\n\n\"pdq,label\n", "line 3: field 1 has an unterminated quote")]
    public void AnUnusableHeaderIsOneErrorAndEndsTheFile(string text, string message)
    {
        var error = Samples.SingleError(Samples.Read(text + "pdq\n" + new string('a', 64) + "\n", HashListFormat.Csv));
        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData(",A1\n", "row has no signal (fill at least one of the pdq, md5, sha1, sha256 columns)")]
    [InlineData("{1},x,extra\n", "row has 3 fields but the header has 2")]
    [InlineData("{1}\n", "row has 1 field but the header has 2")]
    [InlineData("{1},he said \"no\"\n", "bad quoting in field 2: a quote inside an unquoted field (quote the whole field and double the quote)")]
    [InlineData("{1},\"ok\"x\n", "bad quoting in field 2: unexpected 'x' after a closing quote")]
    [InlineData("{0},A1\n", "pdq value must be 64 hex digits, got 63 characters")]
    [InlineData("zz{1},A1\n", "pdq value must be 64 hex digits, got 66 characters")]
    [InlineData("{2},A1\n", "pdq value contains 'g', which is not a hex digit")]
    public void ABadRowIsAnErrorWithItsLineAndTheNextRowStillReads(string row, string reason)
    {
        string formatted = string.Format(row, new string('a', 63), Pdq, "g" + new string('a', 63));
        string text = "pdq,label\n\n" + formatted + $"{Pdq},B1\n";

        var items = Samples.Read(text, HashListFormat.Csv);

        Assert.Equal(2, items.Count);
        Assert.Equal($"line 3: {reason}", items[0].Error!.Message);
        Assert.Equal(4, items[1].Entry!.Line);
        Assert.Equal("B1", items[1].Entry!.Classification);
    }

    [Fact]
    public void AllProblemsOfARowAreReportedTogether()
    {
        string text = $"pdq,md5,metadata\n{Pdq[..10]},{Md5}x,[1]\n";

        var error = Samples.SingleError(Samples.Read(text, HashListFormat.Csv));

        Assert.Equal("line 2: pdq value must be 64 hex digits, got 10 characters; md5 value must be 32 hex digits, got 33 characters; metadata must be a JSON object, got a JSON array", error.Message);
    }

    [Fact]
    public void MetadataMustBeAJsonObject()
    {
        string text = $"md5,metadata\n{Md5},\"{{\"\"a\"\": 1}}\"\n{Md5},{{not json}}\n";

        var items = Samples.Read(text, HashListFormat.Csv);

        Assert.Equal("{\"a\": 1}", items[0].Entry!.MetadataJson);
        Assert.StartsWith("line 3: metadata is not valid JSON: ", items[1].Error!.Message);
        Assert.DoesNotContain("LineNumber", items[1].Error!.Message);
    }

    [Fact]
    public void AnUnterminatedQuoteInARowEndsTheFileAtTheRowsLine()
    {
        string text = $"md5,note\n{Md5},ok\n{Md5},\"never closed\n{Md5},lost\n";

        var items = Samples.Read(text, HashListFormat.Csv);

        Assert.Equal(2, items.Count);
        Assert.Equal("line 3: field 2 has an unterminated quote", items[1].Error!.Message);
    }

    [Fact]
    public void CrLfLineEndingsAndQuotedLineBreaksKeepLineNumbersRight()
    {
        string text = $"md5,note\r\n{Md5},\"one\r\ntwo\"\r\n\r\n{Md5},three\r\n";

        var entries = Samples.Entries(Samples.Read(text, HashListFormat.Csv));

        Assert.Equal([2, 5], entries.Select(e => e.Line));
        Assert.Equal("one\r\ntwo", entries[0].Note);
    }

    [Fact]
    public void AnEmptyFileHasNoEntries()
    {
        Assert.Empty(Samples.Read("", HashListFormat.Csv));
        Assert.Empty(Samples.Read("pdq,label\n", HashListFormat.Csv));
    }
}
