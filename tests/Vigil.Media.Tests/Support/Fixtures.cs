using System.Globalization;

namespace Vigil.Media.Tests.Support;

/// <summary>Named fixtures and expected-pdq.csv rows for the decoder tests (located by <see cref="Vigil.Testing.Fixtures"/>).</summary>
internal static class Fixtures
{
    /// <summary>tests/fixtures/threatexchange.</summary>
    public static string ThreatExchange => Path.Combine(Vigil.Testing.Fixtures.Root, "threatexchange");

    /// <summary>tests/fixtures/pdq-core.</summary>
    public static string PdqCore => Path.Combine(Vigil.Testing.Fixtures.Root, "pdq-core");

    public static string Path_(string relative) => Path.Combine(ThreatExchange, relative);

    public static byte[] Read(string relative) => File.ReadAllBytes(Path_(relative));

    public const string BridgeJpeg = "pdq/data/bridge-mods/aaa-orig.jpg";
    public const string CmykJpeg = "pdq/data/misc-images/modes/CMYK.jpg";
    public const string RgbJpeg = "pdq/data/misc-images/modes/RGB.jpg";
    public const string ExifRotn6 = "pdq/data/reg-test-input/exif-rotn/exif-rotn-6.jpg";
    public const string SmallJpeg = "pdq/data/bridge-mods/square-128x128.jpg";
    public const string Rgb256Jpeg = "pytx/rgb.jpeg";
    public const string PalettePng = "pdq/data/misc-images/modes/P.png";
    public const string RgbaPng = "pdq/data/misc-images/modes/RGBA.png";
    public const string LaPng = "pytx/LA.png";
    public const string I16Png = "pytx/I16.png";
    public const string WebpF = "pdq/data/misc-images/modes/F.webp";

    /// <summary>One row of expected-pdq.csv.</summary>
    public sealed record ExpectedRow(string Path, string SourceMode, int Width, int Height, int Quality, string Pdq, string QuirkPdq);

    public static IReadOnlyList<ExpectedRow> ExpectedRows() =>
        File.ReadLines(System.IO.Path.Combine(ThreatExchange, "expected-pdq.csv"))
            .Skip(1)
            .Where(l => l.Length > 0)
            .Select(l => l.Split(','))
            .Select(f => new ExpectedRow(
                f[0], f[1],
                int.Parse(f[2], CultureInfo.InvariantCulture),
                int.Parse(f[3], CultureInfo.InvariantCulture),
                int.Parse(f[4], CultureInfo.InvariantCulture),
                f[5],
                f.Length > 13 ? f[13] : string.Empty))
            .ToList();
}
