using Vigil.Hashing.Pdq;
using Vigil.Media;
using Vigil.Testing;

namespace Vigil.Cli.Tests;

/// <summary>
/// Image file -> decoder -> PDQ against the industry's full-resolution pipeline
/// (tests/fixtures/threatexchange/expected-pdq.csv), every image, every dihedral variant.
/// </summary>
public class EndToEndPdqTests
{
    private static readonly string[] Columns = ["pdq", "rotate90", "rotate180", "rotate270", "flipx", "flipy", "flipplus1", "flipminus1"];

    // Every image here, whatever its mode, must hash exactly as the reference pipeline does. The
    // issue allowed up to 8 bits for modes whose conversion to RGB is not standardised (CMYK, I,
    // YCbCr, LA, PA, F, HSV, LAB), but the decoder reproduces Pillow's conversions (CMYK with
    // Pillow's formula, 16-bit greyscale clipped to 0..255 as Pillow's "I" to RGB does), and the
    // other "modes" are stored as ordinary RGB JPEG/WebP files, so no tolerance is needed.

    public static TheoryData<string> Images()
    {
        var data = new TheoryData<string>();
        foreach (var row in Fixtures.ReadCsv(Fixtures.ThreatExchange("expected-pdq.csv")))
            data.Add(row["path"]);
        return data;
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void HashesMatchTheReferencePipeline(string path)
    {
        var expected = Fixtures.ReadCsv(Fixtures.ThreatExchange("expected-pdq.csv")).Single(r => r["path"] == path);
        using var decoder = new ImageDecoder();
        using var image = decoder.DecodeFile(Fixtures.ThreatExchange(path));
        Assert.Equal(int.Parse(expected["width"]), image.Width);
        Assert.Equal(int.Parse(expected["height"]), image.Height);

        var hasher = new PdqHasher();
        var plain = hasher.HashRgb(image.Pixels, image.Width, image.Height);
        var all = hasher.HashRgbDihedral(image.Pixels, image.Width, image.Height);
        string mode = expected["source_mode"];

        var report = new List<string>();
        int worst = PdqHash.Distance(PdqHash.Parse(expected["pdq"]), plain.Hash);
        report.Add($"pdq: {worst} bits");
        for (int v = 1; v < 8; v++)
        {
            int d = PdqHash.Distance(PdqHash.Parse(expected[Columns[v]]), all[(DihedralVariant)v]);
            worst = Math.Max(worst, d);
            report.Add($"{Columns[v]}: {d} bits");
        }
        Assert.True(worst == 0, $"{path} ({mode}) differs from the reference: {string.Join(", ", report)}");
        Assert.Equal(int.Parse(expected["quality"]), plain.Quality);
    }
}
