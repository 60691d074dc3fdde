namespace Vigil.Exchanges.Tests;

public class FormatNameTests
{
    [Theory]
    [InlineData("te", HashListFormat.Te)]
    [InlineData("CSV", HashListFormat.Csv)]
    [InlineData(" ncmec-xml ", HashListFormat.NcmecXml)]
    [InlineData("StopNCII-JSON", HashListFormat.StopNciiJson)]
    public void ParsesTheCommandLineNames(string name, HashListFormat expected)
    {
        Assert.True(HashListFormats.TryParse(name, out var format, out var error));
        Assert.Equal(expected, format);
        Assert.Null(error);
        Assert.Equal(expected, HashListFormats.Parse(name));
    }

    [Fact]
    public void AutoMeansDetect()
    {
        Assert.True(HashListFormats.TryParse("Auto", out var format, out _));
        Assert.Null(format);
    }

    [Theory]
    [InlineData("xml")]
    [InlineData("")]
    [InlineData(null)]
    public void UnknownNamesGiveAClearError(string? name)
    {
        Assert.False(HashListFormats.TryParse(name, out var format, out var error));
        Assert.Null(format);
        Assert.Equal($"unknown hash-list format '{name}' (known: auto, te, csv, ncmec-xml, stopncii-json)", error);
        Assert.Throws<FormatException>(() => HashListFormats.Parse(name!));
    }

    [Fact]
    public void NamesRoundTripAndOnlyTeAndCsvAreWritable()
    {
        Assert.Equal(["te", "csv", "ncmec-xml", "stopncii-json"], HashListFormats.All.Select(f => f.GetName()));
        foreach (var format in HashListFormats.All)
            Assert.Equal(format, HashListFormats.Parse(format.GetName()));
        Assert.Equal([HashListFormat.Te, HashListFormat.Csv], HashListFormats.All.Where(f => f.CanWrite()));
    }
}
