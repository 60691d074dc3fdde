using Vigil.Media.Tests.Support;

namespace Vigil.Media.Tests;

/// <summary>PNGs generated in-process for each colour type and depth; the decoded RGB must be exactly what was written
/// (converted as Pillow's convert("RGB") does).</summary>
public sealed class PngPixelTests : IDisposable
{
    private const int W = 37;
    private const int H = 23;
    private readonly ImageDecoder _decoder = new();

    private static int[] Samples(int channels, int max, int seed)
    {
        var random = new Random(seed);
        var samples = new int[W * H * channels];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = random.Next(max + 1);
        }

        // Make sure the extremes appear.
        samples[0] = 0;
        samples[^1] = max;
        return samples;
    }

    private RgbImage Decode(byte[] png)
    {
        var image = _decoder.Decode(png);
        Assert.Equal(ImageFormat.Png, image.SourceFormat);
        Assert.Equal((W, H), (image.Width, image.Height));
        return image;
    }

    private static void AssertPixels(RgbImage image, Func<int, (int R, int G, int B)> expected)
    {
        var pixels = image.Pixels;
        for (var i = 0; i < W * H; i++)
        {
            var (r, g, b) = expected(i);
            var actual = (pixels[3 * i], pixels[(3 * i) + 1], pixels[(3 * i) + 2]);
            if (actual != ((byte)r, (byte)g, (byte)b))
            {
                Assert.Fail($"pixel {i} (x={i % W}, y={i / W}): expected ({r},{g},{b}), got {actual}");
            }
        }
    }

    [Fact]
    public void Rgb8()
    {
        var s = Samples(3, 255, 1);
        using var image = Decode(PngWriter.Encode(W, H, PngWriter.Rgb, 8, s));
        AssertPixels(image, i => (s[3 * i], s[(3 * i) + 1], s[(3 * i) + 2]));
    }

    [Fact]
    public void RgbaDropsAlphaWithoutCompositing()
    {
        var s = Samples(4, 255, 2);
        for (var i = 0; i < 50; i++)
        {
            s[(4 * i) + 3] = 0; // fully transparent pixels keep their colour
        }

        using var image = Decode(PngWriter.Encode(W, H, PngWriter.Rgba, 8, s));
        AssertPixels(image, i => (s[4 * i], s[(4 * i) + 1], s[(4 * i) + 2]));
    }

    [Fact]
    public void Grey8()
    {
        var s = Samples(1, 255, 3);
        using var image = Decode(PngWriter.Encode(W, H, PngWriter.Grey, 8, s));
        AssertPixels(image, i => (s[i], s[i], s[i]));
    }

    [Fact]
    public void GreyAlpha8DropsAlpha()
    {
        var s = Samples(2, 255, 4);
        using var image = Decode(PngWriter.Encode(W, H, PngWriter.GreyAlpha, 8, s));
        AssertPixels(image, i => (s[2 * i], s[2 * i], s[2 * i]));
    }

    [Fact]
    public void OneBitIsBlackOrWhite()
    {
        var s = Samples(1, 1, 5);
        using var image = Decode(PngWriter.Encode(W, H, PngWriter.Grey, 1, s));
        AssertPixels(image, i => (s[i] * 255, s[i] * 255, s[i] * 255));
    }

    [Theory]
    [InlineData(2, 85)]
    [InlineData(4, 17)]
    public void LowBitDepthGreyIsScaled(int depth, int scale)
    {
        var s = Samples(1, (1 << depth) - 1, 6);
        using var image = Decode(PngWriter.Encode(W, H, PngWriter.Grey, depth, s));
        AssertPixels(image, i => (s[i] * scale, s[i] * scale, s[i] * scale));
    }

    [Theory]
    [InlineData(8, false)]
    [InlineData(8, true)]
    [InlineData(4, false)]
    [InlineData(1, false)]
    public void PaletteIsLookedUp(int depth, bool withTransparency)
    {
        var entries = 1 << Math.Min(depth, 8);
        var random = new Random(7);
        var palette = new byte[entries * 3];
        random.NextBytes(palette);
        var s = Samples(1, entries - 1, 8);
        // tRNS makes some entries transparent: Pillow's convert("RGB") still uses the palette colour.
        var trns = withTransparency ? Enumerable.Range(0, entries).Select(i => (byte)(i % 3 == 0 ? 0 : 255)).ToArray() : null;
        using var image = Decode(PngWriter.Encode(W, H, PngWriter.Palette, depth, s, palette, trns));
        AssertPixels(image, i => (palette[3 * s[i]], palette[(3 * s[i]) + 1], palette[(3 * s[i]) + 2]));
    }

    /// <summary>
    /// 16-bit greyscale: Pillow opens it as mode "I;16"/"I", and convert("RGB") clips each value to 0..255 (so most of
    /// a real 16-bit image turns white). This, not value >> 8, is what reproduces the reference hash of
    /// pytx/I16.png (see FixtureTests); the >> 8 variant gives the CSV's "pytx_quirk_pdq" instead.
    /// </summary>
    [Fact]
    public void Grey16IsClippedLikePillow()
    {
        var s = Samples(1, 65535, 9);
        for (var i = 1; i < 200; i++)
        {
            s[i] = i; // plenty of values below 256, which survive unchanged
        }

        using var image = Decode(PngWriter.Encode(W, H, PngWriter.Grey, 16, s));
        AssertPixels(image, i => (Math.Min(s[i], 255), Math.Min(s[i], 255), Math.Min(s[i], 255)));
    }

    /// <summary>16-bit RGB, RGBA and grey+alpha: Pillow reads them with ";16B" raw modes that keep the high byte.</summary>
    [Theory]
    [InlineData(PngWriter.Rgb)]
    [InlineData(PngWriter.Rgba)]
    [InlineData(PngWriter.GreyAlpha)]
    public void Other16BitTakeTheHighByte(int colorType)
    {
        var channels = PngWriter.Channels(colorType);
        var s = Samples(channels, 65535, 10);
        using var image = Decode(PngWriter.Encode(W, H, colorType, 16, s));
        if (channels >= 3)
        {
            AssertPixels(image, i => (s[channels * i] >> 8, s[(channels * i) + 1] >> 8, s[(channels * i) + 2] >> 8));
        }
        else
        {
            AssertPixels(image, i => (s[channels * i] >> 8, s[channels * i] >> 8, s[channels * i] >> 8));
        }
    }

    [Fact]
    public void SinglePixelImage()
    {
        using var image = _decoder.Decode(PngWriter.Encode(1, 1, PngWriter.Rgb, 8, [1, 2, 3]));
        Assert.Equal([1, 2, 3], image.Pixels.ToArray());
    }

    public void Dispose() => _decoder.Dispose();
}
