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
        Vigil.Testing.Fixtures.ReadCsv(System.IO.Path.Combine(ThreatExchange, "expected-pdq.csv"))
            .Select(r => new ExpectedRow(
                r["path"], r["source_mode"],
                int.Parse(r["width"], CultureInfo.InvariantCulture),
                int.Parse(r["height"], CultureInfo.InvariantCulture),
                int.Parse(r["quality"], CultureInfo.InvariantCulture),
                r["pdq"],
                r["pytx_quirk_pdq"]))
            .ToList();
}
