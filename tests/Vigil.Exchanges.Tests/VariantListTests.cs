using FsCheck;
using FsCheck.Fluent;
using Vigil.Hashing.Signals;

namespace Vigil.Exchanges.Tests;

/// <summary>
/// pdq_variant signals (a Vigil bank's crops of its own media) in the list formats: written with markers other tools
/// ignore (a csv column, te comment lines), read back by Vigil as signals of the same entry, refused where they belong to nothing.
/// </summary>
public class VariantListTests
{
    private static readonly Gen<string> Hex64 =
        Gen.ArrayOf(Gen.Elements("0123456789abcdef".ToCharArray()), 64).Select(d => new string(d));

    private static readonly Gen<HashListEntry> Entries =
        from pdq in Hex64
        from md5 in Gen.OneOf(Gen.Constant<string?>(null), Gen.ArrayOf(Gen.Elements("0123456789abcdef".ToCharArray()), 32).Select(d => (string?)new string(d)))
        from variants in Gen.ListOf(Hex64)
        from note in Gen.Elements<string?>(null, "a note", "with, comma")
        let own = md5 is null ? new[] { new Signal(SignalType.Pdq, pdq) } : [new Signal(SignalType.Pdq, pdq), new Signal(SignalType.Md5, md5)]
        select new HashListEntry(0, HashListAction.Add,
            [.. own, .. variants.Distinct().Select(v => new Signal(SignalType.PdqVariant, v))], Note: note);

    private static string Write(HashListFormat format, IEnumerable<HashListEntry> entries)
    {
        var text = new StringWriter();
        HashListWriter.Write(text, format, entries);
        return text.ToString();
    }

    [Fact]
    public void Csv_keeps_each_entrys_variants_in_one_column_and_reads_them_back()
    {
        Prop.ForAll(Gen.ListOf(Entries).ToArbitrary(), entries =>
        {
            string text = Write(HashListFormat.Csv, entries);
            bool any = entries.Any(e => e.Signals.Any(s => s.Type == SignalType.PdqVariant));
            Assert.Equal(HashListWriter.CsvHeader + (any ? ",pdq_variant" : ""), text.Split('\n')[0]);
            var read = Samples.Entries(Samples.Read(text, HashListFormat.Csv));
            Assert.Equal(entries, read.Select(e => e with { Line = 0 }));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Te_writes_variants_as_marked_comments_after_the_pdq_line_and_reads_them_back_with_it()
    {
        Prop.ForAll(Gen.ListOf(Entries).ToArbitrary(), entries =>
        {
            string text = Write(HashListFormat.Te, entries);
            // Other tools see comments: every line that is not "#vigil ..." is a plain signal line.
            Assert.All(text.Split('\n', StringSplitOptions.RemoveEmptyEntries),
                line => Assert.True(line.StartsWith("#vigil pdq_variant ", StringComparison.Ordinal) || line.StartsWith("pdq ", StringComparison.Ordinal)
                                    || line.StartsWith("md5 ", StringComparison.Ordinal), line));
            var read = Samples.Entries(Samples.Read(text, HashListFormat.Te));
            // te holds one entry per line: the pdq line's entry gets the variants, the md5 line is an entry of its own.
            var expected = entries.SelectMany(e => e.Signals.Where(s => !s.Type.IsDerived).Select(s =>
                s.Type == SignalType.Pdq ? [s, .. e.Signals.Where(v => v.Type.IsDerived)] : new[] { s }).ToList()).ToList();
            Assert.Equal(expected.Count, read.Count);
            for (int i = 0; i < expected.Count; i++)
                Assert.Equal(expected[i], read[i].Signals);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void A_variant_that_belongs_to_nothing_is_an_error_naming_its_line()
    {
        string hex = new('a', 64);
        var read = Samples.Read($"#vigil pdq_variant {hex}\npdq_variant {hex}\nmd5 {new string('1', 32)}\n#vigil pdq_variant xyz\n#vigil sha1 {hex}\n", HashListFormat.Te);
        var errors = read.Where(i => i.IsError).Select(i => (i.Line, i.Error!.Message)).ToList();
        Assert.Contains(errors, e => e.Line == 1 && e.Message.Contains("must follow the line of the entry", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Line == 2 && e.Message.Contains("#vigil pdq_variant HEX", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Line == 4 && e.Message.Contains("64 hex digits", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Line == 5 && e.Message.Contains("expected '#vigil pdq_variant HEX'", StringComparison.Ordinal));
        // The md5 line is read, without the bad variants.
        Assert.Equal([new Signal(SignalType.Md5, new string('1', 32))], Assert.Single(read, i => !i.IsError).Entry!.Signals);

        var csv = Samples.Read($"md5,pdq_variant\n,{hex}\n{new string('1', 32)},{hex} nothex\n", HashListFormat.Csv);
        Assert.Contains("pdq_variant hashes belong to its content", csv[0].Error!.Message, StringComparison.Ordinal);
        Assert.True(csv[1].IsError);
    }

    [Fact]
    public void Other_readers_ignoring_unknown_columns_and_comments_see_the_plain_list()
    {
        var entry = new HashListEntry(0, HashListAction.Add,
            [new Signal(SignalType.Pdq, new string('a', 64)), new Signal(SignalType.PdqVariant, new string('b', 64))]);
        // What a te reader without the marker sees: comments skipped, the pdq line as it always was.
        string te = Write(HashListFormat.Te, [entry]);
        Assert.Equal($"pdq {new string('a', 64)}", Assert.Single(te.Split('\n'), l => l.Length > 0 && l[0] != '#'));
        // A writer given no variants writes exactly the header it always did.
        string csv = Write(HashListFormat.Csv, [entry with { Signals = [entry.Signals[0]] }]);
        Assert.StartsWith(HashListWriter.CsvHeader + "\n", csv, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Write(HashListFormat.Csv, [entry with { Signals = [entry.Signals[1]] }]));
    }
}
