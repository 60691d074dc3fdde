using Vigil.Media.Tests.Support;

namespace Vigil.Media.Tests;

/// <summary>
/// Every image in tests/fixtures/threatexchange/expected-pdq.csv, decoded for real. That the decoded
/// pixels give the reference's PDQ hashes exactly is tested end to end in Vigil.Cli.Tests.
/// </summary>
public sealed class FixtureTests : IDisposable
{
    private readonly ImageDecoder _decoder = new();

    public static TheoryData<string> Rows()
    {
        var data = new TheoryData<string>();
        foreach (var row in Fixtures.ExpectedRows())
        {
            data.Add(row.Path);
        }

        return data;
    }

    private static Fixtures.ExpectedRow Row(string path) => Fixtures.ExpectedRows().Single(r => r.Path == path);

    [Theory]
    [MemberData(nameof(Rows))]
    public void DecodesAtTheSizeInTheCsv(string path)
    {
        var row = Row(path);
        using var image = _decoder.DecodeFile(Fixtures.Path_(path));
        Assert.Equal(row.Width, image.Width);
        Assert.Equal(row.Height, image.Height);
        Assert.Equal(row.Width * row.Height * 3, image.Pixels.Length);
        var expectedFormat = Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".jpg" or ".jpeg" => ImageFormat.Jpeg,
            ".png" => ImageFormat.Png,
            ".webp" => ImageFormat.WebP,
            _ => ImageFormat.Unknown,
        };
        Assert.Equal(expectedFormat, image.SourceFormat);
    }

    /// <summary>The reference pipeline's own luma buffers for three JPEGs: our TurboJPEG decode gives the same floats bit for bit.</summary>
    [Theory]
    [InlineData("luma-wee.f32", "pdq/data/misc-images/wee.jpg")]
    [InlineData("luma-labelme-q1050.f32", "pdq/data/reg-test-input/labelme-subset/q1050.jpg")]
    [InlineData("luma-labelme-q0003.f32", "pdq/data/reg-test-input/labelme-subset/q0003.jpg")]
    public void JpegLumaEqualsTheReferencePipelineExactly(string lumaFile, string jpeg)
    {
        var (expected, rows, cols) = Vigil.Testing.Fixtures.ReadLuma(lumaFile);
        using var image = _decoder.DecodeFile(Fixtures.Path_(jpeg));
        Assert.Equal((cols, rows), (image.Width, image.Height));
        var actual = new float[image.Width * image.Height];
        Vigil.Hashing.Pdq.Luma.FromRgb(image.Pixels, actual);
        Assert.Equal(expected, actual);
    }

    public void Dispose() => _decoder.Dispose();
}
