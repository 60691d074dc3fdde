using Vigil.Media.Tests.Support;
using Xunit.Abstractions;

namespace Vigil.Media.Tests;

/// <summary>Other formats, generated from fixtures with ImageMagick (skipped when it is not installed).</summary>
public sealed class FormatTests(ITestOutputHelper output) : IDisposable
{
    private readonly ImageDecoder _decoder = new();

    /// <summary>Writes the decoded 256x256 rgb.jpeg as a PNG (our encoder) and returns its path and pixels.</summary>
    private (string Png, byte[] Rgb) SourcePng(Vigil.Testing.TempDirectory dir)
    {
        using var image = _decoder.DecodeFile(Fixtures.Path_(Fixtures.Rgb256Jpeg));
        var path = dir.File("source.png");
        File.WriteAllBytes(path, PngWriter.FromRgb(image.Width, image.Height, image.Pixels));
        return (path, image.Pixels.ToArray());
    }

    [ToolTheory("convert")]
    [InlineData("bmp", ImageFormat.Bmp, new string[0])]
    [InlineData("bmp", ImageFormat.Bmp, new[] { "-define", "bmp:format=bmp3" })]
    [InlineData("tif", ImageFormat.Tiff, new string[0])]
    [InlineData("tif", ImageFormat.Tiff, new[] { "-compress", "lzw" })]
    [InlineData("tif", ImageFormat.Tiff, new[] { "-compress", "zip", "-endian", "MSB" })]
    [InlineData("tif", ImageFormat.Tiff, new[] { "-depth", "16" })]
    [InlineData("webp", ImageFormat.WebP, new[] { "-define", "webp:lossless=true" })]
    [InlineData("png", ImageFormat.Png, new[] { "-interlace", "PNG" })]
    public void LosslessFormatsGiveIdenticalPixels(string extension, ImageFormat format, string[] options)
    {
        using var dir = new Vigil.Testing.TempDirectory();
        var (png, expected) = SourcePng(dir);
        var path = dir.File("image." + extension);
        Tools.RunConvert([png, .. options, path]);
        Assert.Equal(format, ImageDecoder.DetectFormat(File.ReadAllBytes(path)));
        using var image = _decoder.DecodeFile(path);
        Assert.Equal(format, image.SourceFormat);
        Assert.Equal((256, 256), (image.Width, image.Height));
        Assert.True(expected.AsSpan().SequenceEqual(image.Pixels), $"{extension} {string.Join(' ', options)}: pixels differ from the source");
    }

    [ToolFact("convert")]
    public void GifFirstFrameGivesThePaletteColours()
    {
        // P.png has a palette of at most 256 colours, so GIF holds it exactly.
        using var dir = new Vigil.Testing.TempDirectory();
        var gif = dir.File("p.gif");
        Tools.RunConvert(Fixtures.Path_(Fixtures.PalettePng), gif);
        using var fromPng = _decoder.DecodeFile(Fixtures.Path_(Fixtures.PalettePng));
        using var fromGif = _decoder.DecodeFile(gif);
        Assert.Equal(ImageFormat.Gif, fromGif.SourceFormat);
        Assert.Equal((1600, 1004), (fromGif.Width, fromGif.Height));
        Assert.True(fromPng.Pixels.SequenceEqual(fromGif.Pixels));
    }

    [ToolFact("convert")]
    public void AnimatedGifDecodesItsFirstFrame()
    {
        using var dir = new Vigil.Testing.TempDirectory();
        var gif = dir.File("anim.gif");
        Tools.RunConvert("-size", "40x30", "xc:red", "xc:blue", "xc:lime", "-loop", "0", gif);
        using var image = _decoder.DecodeFile(gif);
        Assert.Equal((40, 30), (image.Width, image.Height));
        Assert.Equal(new byte[] { 255, 0, 0 }, image.Pixels[..3].ToArray());
        Assert.Equal(new byte[] { 255, 0, 0 }, image.Pixels[^3..].ToArray());
    }

    [ToolFact("convert")]
    public void GreyTiffAndOneBitTiff()
    {
        using var dir = new Vigil.Testing.TempDirectory();
        var (png, rgb) = SourcePng(dir);
        var grey = dir.File("grey.tif");
        Tools.RunConvert(png, "-colorspace", "Gray", "-type", "Grayscale", grey);
        using (var image = _decoder.DecodeFile(grey))
        {
            var p = image.Pixels;
            for (var i = 0; i < p.Length; i += 3)
            {
                Assert.True(p[i] == p[i + 1] && p[i] == p[i + 2]);
            }
        }

        var mono = dir.File("mono.tif");
        Tools.RunConvert(png, "-monochrome", mono);
        using (var image = _decoder.DecodeFile(mono))
        {
            Assert.All(image.Pixels.ToArray(), v => Assert.True(v is 0 or 255));
            Assert.Contains((byte)0, image.Pixels.ToArray());
            Assert.Contains((byte)255, image.Pixels.ToArray());
        }

        _ = rgb;
    }

    /// <summary>CMYK TIFF: Pillow's naive cmyk2rgb (not an ICC transform); ImageMagick's naive RGB->CMYK is its inverse up to rounding.</summary>
    [ToolFact("convert")]
    public void CmykTiffUsesPillowsFormula()
    {
        using var dir = new Vigil.Testing.TempDirectory();
        var (png, rgb) = SourcePng(dir);
        var cmyk = dir.File("cmyk.tif");
        Tools.RunConvert(png, "-colorspace", "CMYK", cmyk);
        using var image = _decoder.DecodeFile(cmyk);
        var p = image.Pixels;
        var worst = 0;
        for (var i = 0; i < p.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(p[i] - rgb[i]));
        }

        output.WriteLine($"CMYK TIFF round trip: largest channel difference {worst}");
        Assert.InRange(worst, 0, 2);
    }

    /// <summary>CIELAB TIFF goes through libvips' colour conversion to sRGB.</summary>
    [ToolFact("convert")]
    public void LabTiffIsConvertedToSrgb()
    {
        using var dir = new Vigil.Testing.TempDirectory();
        var (png, rgb) = SourcePng(dir);
        var lab = dir.File("lab.tif");
        Tools.RunConvert(png, "-colorspace", "Lab", lab);
        using var image = _decoder.DecodeFile(lab);
        Assert.Equal((256, 256), (image.Width, image.Height));
        var mad = PixelStats.MeanAbsoluteDifference(image.Pixels, rgb);
        output.WriteLine($"Lab TIFF: mean absolute difference from the source {mad:F2}");
        Assert.InRange(mad, 0, 3);
    }

    /// <summary>16-bit greyscale TIFF is Pillow's "I;16" too: values clip to 255, so v*257 from an 8-bit source is 255 unless v is 0.</summary>
    [ToolFact("convert")]
    public void Grey16TiffIsClippedLikePillow()
    {
        using var dir = new Vigil.Testing.TempDirectory();
        var grey16 = dir.File("grey16.tif");
        Tools.RunConvert("-size", "64x8", "gradient:black-white", "-colorspace", "Gray", "-depth", "16", grey16);
        using var image = _decoder.DecodeFile(grey16);
        Assert.Equal((64, 8), (image.Width, image.Height));
        // gradient:black-white runs from 0 (top row) to 65535 (bottom row) in 8 steps of about 9362: every row but the
        // first is over 255, so clips to white; >> 8 would give a grey ramp instead.
        var p = image.Pixels;
        for (var y = 0; y < 8; y++)
        {
            var expected = y == 0 ? (byte)0 : (byte)255;
            Assert.All(p.Slice(y * 64 * 3, 64 * 3).ToArray(), v => Assert.Equal(expected, v));
        }
    }

    [ToolTheory("convert")]
    [InlineData("webp", ImageFormat.WebP, new[] { "-quality", "80" })]
    [InlineData("jpg", ImageFormat.Jpeg, new[] { "-quality", "85" })]
    [InlineData("heic", ImageFormat.Heif, new string[0])]
    [InlineData("avif", ImageFormat.Avif, new string[0])]
    public void LossyFormatsDecodeToTheRightSizeAndCloseColours(string extension, ImageFormat format, string[] options)
    {
        using var dir = new Vigil.Testing.TempDirectory();
        var (png, expected) = SourcePng(dir);
        var path = dir.File("image." + extension);
        try
        {
            Tools.RunConvert([png, .. options, path]);
        }
        catch (InvalidOperationException e) when (format is ImageFormat.Heif or ImageFormat.Avif)
        {
            output.WriteLine($"ImageMagick cannot write {extension} here, nothing to check: {e.Message}");
            return;
        }

        Assert.Equal(format, ImageDecoder.DetectFormat(File.ReadAllBytes(path)));
        if (!ImageDecoder.IsFormatSupported(format))
        {
            var e = Assert.Throws<ImageDecodeException>(() => _decoder.DecodeFile(path));
            Assert.Equal(DecodeErrorKind.UnsupportedFormat, e.Kind);
            output.WriteLine($"{format} is not supported here: {e.Message}");
            return;
        }

        using var image = _decoder.DecodeFile(path);
        Assert.Equal(format, image.SourceFormat);
        Assert.Equal((256, 256), (image.Width, image.Height));
        var mad = PixelStats.MeanAbsoluteDifference(image.Pixels, expected);
        output.WriteLine($"{extension}: mean absolute difference from the source {mad:F2}");
        Assert.InRange(mad, 0, 12);
    }

    public void Dispose() => _decoder.Dispose();
}
