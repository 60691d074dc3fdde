using Vigil.Media.Tests.Support;
using Xunit.Abstractions;

namespace Vigil.Media.Tests;

public sealed class JpegTests(ITestOutputHelper output) : IDisposable
{
    private readonly ImageDecoder _decoder = new();

    private static byte[] Djpeg(string path)
    {
        var (code, stdout, stderr) = Tools.Run(Tools.Djpeg!, [path]);
        Assert.True(code == 0, "djpeg failed: " + stderr);
        return stdout;
    }

    /// <summary>tjDecompress2 (default flags) and libjpeg-turbo's own djpeg (default: accurate DCT, fancy upsampling) agree byte for byte.</summary>
    [ToolTheory("djpeg")]
    [InlineData(Fixtures.BridgeJpeg)]
    [InlineData("pdq/data/misc-images/wee.jpg")]
    [InlineData("pdq/data/misc-images/modes/YCbCr.jpg")]
    [InlineData("pdq/data/reg-test-input/labelme-subset/q0003.jpg")]
    public void MatchesDjpegExactly(string fixture)
    {
        var (w, h, expected) = Pnm.ReadAsRgb(Djpeg(Fixtures.Path_(fixture)));
        using var image = _decoder.DecodeFile(Fixtures.Path_(fixture));
        Assert.Equal((w, h), (image.Width, image.Height));
        Assert.True(expected.AsSpan().SequenceEqual(image.Pixels), "decoded pixels differ from djpeg's");
    }

    [ToolFact("convert")]
    public void GreyscaleJpegDecodesToEqualChannels()
    {
        using var dir = new Vigil.Testing.TempDirectory();
        var grey = dir.File("grey.jpg");
        Tools.RunConvert(Fixtures.Path_(Fixtures.Rgb256Jpeg), "-colorspace", "Gray", "-type", "Grayscale", grey);
        using var image = _decoder.DecodeFile(grey);
        Assert.Equal((256, 256), (image.Width, image.Height));
        var p = image.Pixels;
        var distinct = new HashSet<byte>();
        for (var i = 0; i < p.Length; i += 3)
        {
            Assert.True(p[i] == p[i + 1] && p[i] == p[i + 2], $"pixel {i / 3} is not grey");
            distinct.Add(p[i]);
        }

        Assert.True(distinct.Count > 50, "the grey image should not be flat");
        if (Tools.Djpeg is not null)
        {
            var (_, _, expected) = Pnm.ReadAsRgb(Djpeg(grey));
            Assert.True(expected.AsSpan().SequenceEqual(p), "greyscale decode differs from djpeg's");
        }
    }

    [ToolFact("convert")]
    public void ProgressiveJpegDecodes()
    {
        using var dir = new Vigil.Testing.TempDirectory();
        var progressive = dir.File("progressive.jpg");
        Tools.RunConvert(Fixtures.Path_(Fixtures.Rgb256Jpeg), "-interlace", "JPEG", "-quality", "90", progressive);
        using var image = _decoder.DecodeFile(progressive);
        Assert.Equal((256, 256), (image.Width, image.Height));
        if (Tools.Djpeg is not null)
        {
            var (_, _, expected) = Pnm.ReadAsRgb(Djpeg(progressive));
            Assert.True(expected.AsSpan().SequenceEqual(image.Pixels));
        }
    }

    /// <summary>
    /// CMYK.jpg and RGB.jpg were saved by Pillow from the same original. Pillow writes CMYK JPEGs Adobe-style
    /// (inverted, 255 = no ink) and reads every 4-component JPEG as "CMYK;I"; TurboJPEG's TJPF_CMYK output is the raw,
    /// still-inverted component values. Un-inverting and applying Pillow's cmyk2rgb (nk = 255 - k;
    /// r = nk - MULDIV255(c, nk)) gives a mean absolute difference from RGB.jpg of about 1.9 and the reference PDQ
    /// hash exactly (FixtureTests); treating the raw values as plain CMYK gives the colour negative (~115 apart, the
    /// hash 128 bits off).
    /// </summary>
    [Fact]
    public void CmykJpegMatchesTheRgbVersionOfTheSameImage()
    {
        using var cmyk = _decoder.DecodeFile(Fixtures.Path_(Fixtures.CmykJpeg));
        using var rgb = _decoder.DecodeFile(Fixtures.Path_(Fixtures.RgbJpeg));
        Assert.Equal((rgb.Width, rgb.Height), (cmyk.Width, cmyk.Height));
        var mad = PixelStats.MeanAbsoluteDifference(cmyk.Pixels, rgb.Pixels);
        output.WriteLine($"CMYK.jpg vs RGB.jpg: mean absolute difference {mad:F3} per channel");
        Assert.InRange(mad, 0, 4);
    }

    [Fact]
    public void PillowCmykFormulaOnKnownValues()
    {
        // Raw (inverted) TurboJPEG values: 255 = no ink.
        byte[] raw = [255, 255, 255, 255, /* white */ 0, 0, 0, 0, /* all ink: black */ 0, 255, 255, 255, /* full cyan */ 128, 128, 128, 128];
        var rgb = new byte[12];
        PixelConvert.InvertedCmykToRgb(raw, rgb);
        Assert.Equal(new byte[] { 255, 255, 255, 0, 0, 0, 0, 255, 255, 64, 64, 64 }, rgb);
    }

    [Fact]
    public void ReusingOneDecoderGivesIdenticalResults()
    {
        var data = Fixtures.Read(Fixtures.SmallJpeg);
        using var first = _decoder.Decode(data);
        var firstPixels = first.Pixels.ToArray();
        using (_decoder.Decode(Fixtures.Read(Fixtures.BridgeJpeg)))
        {
        }

        using var again = _decoder.Decode(data);
        Assert.Equal(firstPixels, again.Pixels.ToArray());
    }

    [Fact]
    public void DecodeFileReusesItsReadBufferCorrectly()
    {
        // Large file first, then a smaller one: the reused buffer must only be read up to the new file's length.
        using (_decoder.DecodeFile(Fixtures.Path_(Fixtures.ExifRotn6)))
        {
        }

        using var fromFile = _decoder.DecodeFile(Fixtures.Path_(Fixtures.SmallJpeg));
        using var fromBytes = _decoder.Decode(Fixtures.Read(Fixtures.SmallJpeg));
        Assert.True(fromFile.Pixels.SequenceEqual(fromBytes.Pixels));

        using var dir = new Vigil.Testing.TempDirectory();
        var cut = dir.File("cut.jpg");
        File.WriteAllBytes(cut, Fixtures.Read(Fixtures.SmallJpeg)[..1000]);
        var e = Assert.Throws<ImageDecodeException>(() => _decoder.DecodeFile(cut));
        Assert.Equal(DecodeErrorKind.Truncated, e.Kind);
    }

    public void Dispose() => _decoder.Dispose();
}
