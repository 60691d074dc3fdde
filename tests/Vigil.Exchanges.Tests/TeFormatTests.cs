using System.Text;
using Vigil.Hashing.Signals;
using Vigil.Testing;

namespace Vigil.Exchanges.Tests;

public class TeFormatTests
{
    private static readonly string Pdq = new('a', 64);

    [Fact]
    public void ReadsTheSampleWithTypesLowercaseValuesAndLines()
    {
        var entries = Samples.Entries(Samples.Read(Samples.Bytes("sample.te"), HashListFormat.Te));

        Assert.Equal([4, 5, 6, 7, 8, 9], entries.Select(e => e.Line));
        Assert.Equal(["pdq", "pdq", "md5", "sha1", "sha256", "pdq"], entries.Select(e => Assert.Single(e.Signals).Type.Name));
        Assert.Equal("18c7a1469f142540f6676617db863e960a1c01cfb6a03ff8fdf30f0096b9f467", entries[1].Signals[0].Value);
        Assert.Equal("9bd50a8f9d888ddece3d592e75057990f5fee7c3", entries[3].Signals[0].Value);
        Assert.All(entries, e =>
        {
            Assert.Equal(HashListAction.Add, e.Action);
            Assert.Null(e.Source);
            Assert.Null(e.MetadataJson);
        });
    }

    [Fact]
    public void BareHexLinesOfTheReferenceHaystackArePdqHashes()
    {
        string path = Vigil.Testing.Fixtures.ThreatExchange("pdq/data/reg-test-input/haystack.txt");
        var expected = File.ReadAllLines(path);

        var entries = Samples.Entries(HashListReader.Read(path, HashListFormat.Te));

        Assert.Equal(1350, entries.Count);
        for (int i = 0; i < entries.Count; i++)
        {
            Assert.Equal(i + 1, entries[i].Line);
            Assert.Equal(new Signal(SignalType.Pdq, expected[i]), Assert.Single(entries[i].Signals));
        }
        Assert.Equal(HashListFormat.Te, HashListReader.Detect(path));
    }

    [Theory]
    [InlineData("pdq 3f00", "line 1: pdq value must be 64 hex digits, got 4 characters")]
    [InlineData("000000000000000000000000000000000000000000000000000000000000000", "line 1: pdq value must be 64 hex digits, got 63 characters")]
    [InlineData("md5 0123456789abcdef0123456789abcdeZ", "line 1: md5 value contains 'Z', which is not a hex digit")]
    [InlineData("sha1 0123", "line 1: sha1 value must be 40 hex digits, got 4 characters")]
    [InlineData("tmk 0123456789abcdef0123456789abcdef", "line 1: unknown signal type 'tmk' (known: pdq, md5, sha1, sha256, vpdq, video_md5, pdq_variant)")]
    [InlineData("video_md5 0123456789abcdef0123456789abcdeZ", "line 1: video_md5 value contains 'Z', which is not a hex digit")]
    [InlineData("pdq", "line 1: missing value after 'pdq'")]
    [InlineData("hello", "line 1: expected 'SIGNAL_TYPE VALUE' or a bare 64-digit hex pdq hash, got 'hello'")]
    public void InvalidLinesAreErrorsWithTheReason(string line, string message)
    {
        var error = Samples.SingleError(Samples.Read(line + "\n", HashListFormat.Te));
        Assert.Equal(1, error.Line);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void TextAfterTheValueIsAnErrorUnlessItIsAComment()
    {
        var items = Samples.Read($"pdq {Pdq} 100 photo.jpg\npdq {Pdq} # fine\n", HashListFormat.Te);

        Assert.Equal(2, items.Count);
        Assert.Equal("line 1: unexpected text after the value: '100 photo.jpg' (expected 'SIGNAL_TYPE VALUE')", items[0].Error!.Message);
        Assert.Equal(2, items[1].Entry!.Line);
    }

    [Fact]
    public void ErrorsDoNotStopTheFileAndLinesCountEveryLineEnding()
    {
        // \n, \r\n and a lone \r each end a line, as TextReader.ReadLine counts them.
        string text = $"# list\r\npdq {Pdq}\r\n\r\npdq {Pdq[..63]}\rmd5 {new string('b', 32)}\n\n  \t\nsha256 {Pdq}";

        var items = Samples.Read(text, HashListFormat.Te);

        Assert.Equal([2, 4, 5, 8], items.Select(i => i.Line));
        Assert.Equal([false, true, false, false], items.Select(i => i.IsError));
        Assert.Equal(SignalType.Sha256, items[3].Entry!.Signals[0].Type);
    }

    [Fact]
    public void AnOverlongLineIsAnErrorAndReadingGoesOn()
    {
        var text = new StringBuilder().Append('a', 3 << 20).Append('\n').Append($"pdq {Pdq}\n").ToString();

        var items = Samples.Read(text, HashListFormat.Te);

        Assert.Equal(2, items.Count);
        Assert.Equal("line 1: line is longer than 1048576 characters", items[0].Error!.Message);
        Assert.Equal(2, items[1].Entry!.Line);
    }

    [Fact]
    public void AByteOrderMarkAndInvalidUtf8AreHandled()
    {
        var bytes = new List<byte> { 0xEF, 0xBB, 0xBF };
        bytes.AddRange(Encoding.ASCII.GetBytes($"pdq {Pdq}\nmd5 "));
        bytes.AddRange([0xC3, 0x28]);
        bytes.AddRange(Encoding.ASCII.GetBytes(new string('0', 30) + "\n"));

        var items = Samples.Read(bytes.ToArray(), HashListFormat.Te);

        Assert.Equal(Pdq, items[0].Entry!.Signals[0].Value);
        Assert.Equal("line 2: md5 value contains '\uFFFD', which is not a hex digit", items[1].Error!.Message);
    }

    [Fact]
    public void ReadByPathDetectsTheFormatAndFailsEarlyForAMissingFile()
    {
        using var dir = new TempDirectory();
        string path = dir.File("list.txt");
        File.WriteAllText(path, $"pdq {Pdq}\n");

        var entries = Samples.Entries(HashListReader.Read(path));

        Assert.Single(entries);
        File.Delete(path);
        Assert.Throws<FileNotFoundException>(() => HashListReader.Read(path));
    }
}
