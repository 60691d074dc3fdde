using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Vigil.Hashing.Signals;

namespace Vigil.Exchanges.Tests;

public class WriterRoundTripTests
{
    private static readonly Gen<Signal> Signals =
        from type in Gen.Elements(SignalType.All.ToArray())
        from digits in Gen.ArrayOf(Gen.Elements("0123456789abcdef".ToCharArray()), type.HexLength)
        select new Signal(type, new string(digits));

    // Text with everything CSV must quote (commas, quotes, line breaks) plus spaces and non-ASCII.
    private static readonly Gen<string?> Texts =
        Gen.OneOf(
            Gen.Constant<string?>(null),
            Gen.ArrayOf(Gen.Elements("ab ,\"\r\n\té漢#;'".ToCharArray()))
                .Select(chars => new string(chars).Trim())
                .Select(text => text.Length == 0 ? null : text));

    private static readonly Gen<string?> MetadataJson =
        Gen.OneOf(
            Gen.Constant<string?>(null),
            from key in Texts
            from value in Texts
            from number in Gen.Choose(-1000, 1000)
            select (string?)JsonSerializer.Serialize(new Dictionary<string, object?> { [key ?? "k"] = value, ["n"] = number }));

    // At most one signal per type, in the order CSV columns (and the reader) put them.
    private static readonly Gen<IReadOnlyList<Signal>> CsvSignals =
        Gen.ListOf(Signals)
            .Select(list => (IReadOnlyList<Signal>)SignalType.All
                .Select(type => list.FirstOrDefault(s => s.Type == type))
                .Where(s => s.Type is not null)
                .ToList())
            .Where(list => list.Count > 0);

    private static readonly Gen<HashListEntry> CsvEntries =
        from signals in CsvSignals
        from classification in Texts
        from source in Texts
        from sourceId in Texts
        from note in Texts
        from metadata in MetadataJson
        select new HashListEntry(0, HashListAction.Add, signals, classification, source, sourceId, note, metadata);

    private static List<HashListItem> WriteThenRead(HashListFormat format, IEnumerable<HashListEntry> entries)
    {
        var text = new StringWriter();
        HashListWriter.Write(text, format, entries);
        return Samples.Read(text.ToString(), format);
    }

    [Fact]
    public void CsvRoundTripsEveryField()
    {
        Prop.ForAll(Gen.ListOf(CsvEntries).ToArbitrary(), entries =>
        {
            var read = Samples.Entries(WriteThenRead(HashListFormat.Csv, entries));

            Assert.Equal(entries, read.Select(e => e with { Line = 0 }));
            Assert.True(read.Select(e => e.Line).SequenceEqual(read.Select(e => e.Line).Order()));
            Assert.All(read, e => Assert.True(e.Line >= 2));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void TeRoundTripsTheSignalsOnePerLine()
    {
        var entries = from signals in Gen.NonEmptyListOf(Signals)
                      from note in Texts
                      select new HashListEntry(0, HashListAction.Add, signals, Note: note);

        Prop.ForAll(Gen.ListOf(entries).ToArbitrary(), list =>
        {
            var read = Samples.Entries(WriteThenRead(HashListFormat.Te, list));

            var expected = list.SelectMany(e => e.Signals).ToList();
            Assert.Equal(expected, read.Select(e => Assert.Single(e.Signals)));
            Assert.Equal(Enumerable.Range(1, expected.Count), read.Select(e => e.Line));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void CsvWritesTheFixedHeaderAndQuotesOnlyWhatNeedsIt()
    {
        var entry = new HashListEntry(0, HashListAction.Add,
            [new Signal(SignalType.Md5, new string('1', 32))],
            Classification: "A1", Note: "say \"hi\", twice", MetadataJson: "{\"a\":1}");
        var text = new StringWriter();

        HashListWriter.Write(text, HashListFormat.Csv, [entry]);

        Assert.Equal(
            "pdq,md5,sha1,sha256,label,source,source_id,note,metadata\n"
            + ",11111111111111111111111111111111,,,A1,,,\"say \"\"hi\"\", twice\",\"{\"\"a\"\":1}\"\n",
            text.ToString());
    }

    [Fact]
    public void AnEntryWithTwoSignalsOfATypeBecomesOneRowPerSignal()
    {
        var pdqA = new Signal(SignalType.Pdq, new string('a', 64));
        var pdqB = new Signal(SignalType.Pdq, new string('b', 64));
        var md5 = new Signal(SignalType.Md5, new string('c', 32));
        var entry = new HashListEntry(0, HashListAction.Add, [pdqA, md5, pdqB], Classification: "B1", SourceId: "x");

        var read = Samples.Entries(WriteThenRead(HashListFormat.Csv, [entry]));

        Assert.Equal(
            [entry with { Line = 2, Signals = [pdqA, md5] }, entry with { Line = 3, Signals = [pdqB] }],
            read);
    }

    [Fact]
    public void WhatCannotBeReadBackIsRefused()
    {
        var signal = new Signal(SignalType.Md5, new string('c', 32));
        var removal = new HashListEntry(0, HashListAction.Remove, [signal]);
        var empty = new HashListEntry(0, HashListAction.Add, []);
        var uppercase = new HashListEntry(0, HashListAction.Add, [new Signal(SignalType.Md5, new string('C', 32))]);
        var fine = new HashListEntry(0, HashListAction.Add, [signal]);

        foreach (var format in new[] { HashListFormat.Te, HashListFormat.Csv })
        {
            Assert.Throws<ArgumentException>(() => HashListWriter.Write(TextWriter.Null, format, [removal]));
            Assert.Throws<ArgumentException>(() => HashListWriter.Write(TextWriter.Null, format, [empty]));
            Assert.Throws<ArgumentException>(() => HashListWriter.Write(TextWriter.Null, format, [uppercase]));
        }
        Assert.Throws<NotSupportedException>(() => HashListWriter.Write(TextWriter.Null, HashListFormat.NcmecXml, [fine]));
        Assert.Throws<NotSupportedException>(() => HashListWriter.Write(TextWriter.Null, HashListFormat.StopNciiJson, [fine]));
    }

    [Fact]
    public void ImportedNcmecEntriesExportAsCsvAndReadBackTheSame()
    {
        var adds = Samples.Entries(Samples.Read(Samples.Bytes("ncmec-entries.xml"), HashListFormat.NcmecXml))
            .Where(e => e.Action == HashListAction.Add)
            .Select(e => e with { Line = 0 })
            .ToList();

        var read = Samples.Entries(WriteThenRead(HashListFormat.Csv, adds));

        // CSV orders signals by column; NCMEC's sample lists md5, sha1, pdq.
        Assert.Equal(
            adds.Select(e => e with { Signals = [.. e.Signals.OrderBy(s => SignalType.All.ToList().IndexOf(s.Type))] }),
            read.Select(e => e with { Line = 0 }));
    }

    [Fact]
    public void NoListTheWritersMakeLooksBinary()
    {
        var formats = Gen.Elements(HashListFormat.Csv, HashListFormat.Te);
        Prop.ForAll(Gen.ListOf(CsvEntries).ToArbitrary(), formats.ToArbitrary(), (entries, format) =>
        {
            var text = new StringWriter();
            HashListWriter.Write(text, format, entries);
            foreach (var encoding in new System.Text.Encoding[] { new System.Text.UTF8Encoding(true), System.Text.Encoding.Unicode, System.Text.Encoding.UTF32 })
            {
                byte[] bytes = [.. encoding.GetPreamble(), .. encoding.GetBytes(text.ToString())];
                Assert.Null(HashListReader.DescribeBinary(bytes.AsSpan(0, Math.Min(bytes.Length, HashListReader.DetectionHeadLength))));
            }
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10 }, "a JPEG image")]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, "a PNG image")]
    [InlineData(new byte[] { 0x1F, 0x8B, 8, 0 }, "a gzip file")]
    [InlineData(new byte[] { 0x70, 0x64, 0x71, 0x20, 0x01, 0x02, 0x03 }, "binary data")]
    [InlineData(new byte[] { 0x70, 0x64, 0x71, 0x20, 0x61, 0x0A }, null)]
    public void BinaryFilesAreNamedBySignatureOrControlBytes(byte[] head, string? expected) =>
        Assert.Equal(expected, HashListReader.DescribeBinary(head));
}
