using System.Text;

namespace Vigil.Exchanges.Tests;

public class DetectionTests
{
    [Theory]
    [InlineData("<?xml version=\"1.0\"?><queryResult/>", null, HashListFormat.NcmecXml)]
    [InlineData("\n  <queryResult/>", "list.txt", HashListFormat.NcmecXml)]
    [InlineData(" \n{\"count\": 0}", null, HashListFormat.StopNciiJson)]
    [InlineData("[{}]", "list.csv", HashListFormat.StopNciiJson)]
    [InlineData("pdq,md5,label\n", null, HashListFormat.Csv)]
    [InlineData("path, PDQ ,quality\r\n", null, HashListFormat.Csv)]
    [InlineData("\"label\",\"md5\"\n", null, HashListFormat.Csv)]
    [InlineData("sha256\n", null, HashListFormat.Csv)]
    [InlineData("name,value\n", "list.csv", HashListFormat.Csv)]
    [InlineData("name,value\n", "list.txt", HashListFormat.Te)]
    [InlineData("pdq 0000000000000000000000000000000000000000000000000000000000000000\n", null, HashListFormat.Te)]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000\n", "list.txt", HashListFormat.Te)]
    [InlineData("# pdq,md5 list\npdq 00\n", null, HashListFormat.Te)]
    [InlineData("", "list.csv", HashListFormat.Csv)]
    [InlineData("  \n", "LIST.XML", HashListFormat.NcmecXml)]
    [InlineData("", "list.jsonl", HashListFormat.StopNciiJson)]
    [InlineData("", null, HashListFormat.Te)]
    public void DetectsFromContentThenExtension(string head, string? fileName, HashListFormat expected)
    {
        Assert.Equal(expected, HashListReader.Detect(Encoding.UTF8.GetBytes(head), fileName));
    }

    [Fact]
    public void AByteOrderMarkIsSkipped()
    {
        byte[] utf8 = [0xEF, 0xBB, 0xBF, (byte)'<', (byte)'a'];
        byte[] utf16 = [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes("pdq,md5\n")];

        Assert.Equal(HashListFormat.NcmecXml, HashListReader.Detect(utf8));
        Assert.Equal(HashListFormat.Csv, HashListReader.Detect(utf16));
    }

    [Theory]
    [InlineData("sample.te", HashListFormat.Te)]
    [InlineData("sample.csv", HashListFormat.Csv)]
    [InlineData("ncmec-entries.xml", HashListFormat.NcmecXml)]
    [InlineData("stopncii-page.json", HashListFormat.StopNciiJson)]
    [InlineData("stopncii-pages.json", HashListFormat.StopNciiJson)]
    [InlineData("stopncii-pages.jsonl", HashListFormat.StopNciiJson)]
    public void DetectsEverySample(string name, HashListFormat expected)
    {
        Assert.Equal(expected, HashListReader.Detect(Samples.Path(name)));
        Assert.Contains(HashListReader.Read(Samples.Path(name)), i => !i.IsError);
    }

    [Fact]
    public void DetectingFromAStreamPutsItBack()
    {
        var stream = new MemoryStream(Samples.Bytes("sample.csv")) { Position = 0 };

        Assert.Equal(HashListFormat.Csv, HashListReader.Detect(stream));
        Assert.Equal(0, stream.Position);
        Assert.Equal(4, HashListReader.Read(stream, HashListFormat.Csv).Count());
    }

    [Fact]
    public void DetectingFromAnUnseekableStreamIsRefused()
    {
        Assert.Throws<ArgumentException>(() => HashListReader.Detect(new UnseekableStream()));
    }

    private sealed class UnseekableStream : MemoryStream
    {
        public override bool CanSeek => false;
    }
}
