using Vigil.Media.Tests.Support;

namespace Vigil.Media.Tests;

/// <summary>GIF first frame, as Pillow's GIF plugin + convert("RGB") produce it.</summary>
public sealed class GifTests : IDisposable
{
    private readonly ImageDecoder _decoder = new();

    private static byte[] Palette(int entries, int seed)
    {
        var palette = new byte[entries * 3];
        new Random(seed).NextBytes(palette);
        return palette;
    }

    private static byte[] Indices(int count, int entries, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (byte)random.Next(entries)).ToArray();
    }

    private static byte[] Expected(byte[] palette, byte[] indices) =>
        indices.SelectMany(i => new[] { palette[3 * i], palette[(3 * i) + 1], palette[(3 * i) + 2] }).ToArray();

    [Theory]
    [InlineData(2, 2, false)]
    [InlineData(16, 4, false)]
    [InlineData(256, 8, false)]
    [InlineData(256, 8, true)]
    [InlineData(4, 2, true)]
    public void PixelsAreThePaletteColours(int entries, int minCodeSize, bool interlaced)
    {
        const int w = 29, h = 13;
        var palette = Palette(entries, entries);
        var indices = Indices(w * h, entries, 1);
        var gif = GifWriter.Encode(w, h, palette, new GifWriter.Frame(0, 0, w, h, indices) { Interlaced = interlaced }, minCodeSize);
        using var image = _decoder.Decode(gif);
        Assert.Equal(ImageFormat.Gif, image.SourceFormat);
        Assert.Equal((w, h), (image.Width, image.Height));
        Assert.Equal(Expected(palette, indices), image.Pixels.ToArray());
    }

    /// <summary>Pillow keeps a transparent pixel's palette colour (alpha is simply dropped); libnsgif would make it black.</summary>
    [Fact]
    public void TransparentPixelsKeepTheirPaletteColour()
    {
        var palette = Palette(4, 3);
        byte[] indices = [0, 1, 2, 3, 3, 2];
        var gif = GifWriter.Encode(3, 2, palette, new GifWriter.Frame(0, 0, 3, 2, indices) { Transparent = 3 }, 2);
        using var image = _decoder.Decode(gif);
        Assert.Equal(Expected(palette, indices), image.Pixels.ToArray());
    }

    [Theory]
    [InlineData(null, 0)]
    [InlineData(2, 2)]
    public void AreaOutsideASmallFrameIsFilledWithIndexZeroOrTheTransparentIndex(int? transparent, int fill)
    {
        var palette = Palette(4, 4);
        byte[] frame = [1, 3];
        var gif = GifWriter.Encode(4, 3, palette, new GifWriter.Frame(1, 1, 2, 1, frame) { Transparent = transparent }, 2);
        using var image = _decoder.Decode(gif);
        Assert.Equal((4, 3), (image.Width, image.Height));
        var indices = Enumerable.Repeat((byte)fill, 12).ToArray();
        indices[5] = 1;
        indices[6] = 3;
        Assert.Equal(Expected(palette, indices), image.Pixels.ToArray());
    }

    [Fact]
    public void CanvasGrowsToAFrameBeyondTheScreen()
    {
        var palette = Palette(4, 5);
        byte[] frame = [1, 2, 3, 1];
        var gif = GifWriter.Encode(2, 2, palette, new GifWriter.Frame(1, 1, 2, 2, frame), 2);
        using var image = _decoder.Decode(gif);
        Assert.Equal((3, 3), (image.Width, image.Height));
        byte[] indices = [0, 0, 0, 0, 1, 2, 0, 3, 1];
        Assert.Equal(Expected(palette, indices), image.Pixels.ToArray());
    }

    [Fact]
    public void LocalPaletteWinsOverTheGlobalOne()
    {
        var global = Palette(4, 6);
        var local = Palette(4, 7);
        byte[] indices = [0, 1, 2, 3];
        var gif = GifWriter.Encode(2, 2, global, new GifWriter.Frame(0, 0, 2, 2, indices) { LocalPalette = local }, 2);
        using var image = _decoder.Decode(gif);
        Assert.Equal(Expected(local, indices), image.Pixels.ToArray());
    }

    [Fact]
    public void NoColourTableMeansGreyscale()
    {
        byte[] indices = [0, 7, 200, 255];
        var gif = GifWriter.Encode(2, 2, null, new GifWriter.Frame(0, 0, 2, 2, indices));
        using var image = _decoder.Decode(gif);
        Assert.Equal(indices.SelectMany(i => new[] { i, i, i }).ToArray(), image.Pixels.ToArray());
    }

    [Fact]
    public void ErrorsAreSpecific()
    {
        var palette = Palette(4, 8);
        var gif = GifWriter.Encode(40, 40, palette, new GifWriter.Frame(0, 0, 40, 40, Indices(1600, 4, 2)), 2);

        var cut = Assert.Throws<ImageDecodeException>(() => _decoder.Decode(gif[..(gif.Length / 2)]));
        Assert.Equal(DecodeErrorKind.Truncated, cut.Kind);
        Assert.Equal("truncated GIF data (the image data ends early)", cut.Message);

        var header = Assert.Throws<ImageDecodeException>(() => _decoder.Decode(gif[..10]));
        Assert.Equal(DecodeErrorKind.Truncated, header.Kind);
        Assert.Equal("truncated GIF data (the file ends inside the GIF header)", header.Message);

        byte[] noImage = [.. gif[..(13 + 12)], 0x3B];
        var empty = Assert.Throws<ImageDecodeException>(() => _decoder.Decode(noImage));
        Assert.Equal(DecodeErrorKind.Corrupt, empty.Kind);
        Assert.Equal("corrupt GIF data: the file contains no image", empty.Message);

        // First code after the clear code is a code that is not defined yet.
        var badCode = (byte[])gif.Clone();
        var dataStart = 13 + 12 + 10 + 1 + 1; // header, palette, descriptor, code size, block length
        badCode[dataStart] = 0xFF;
        badCode[dataStart + 1] = 0xFF;
        var bad = Assert.Throws<ImageDecodeException>(() => _decoder.Decode(badCode));
        Assert.Equal(DecodeErrorKind.Corrupt, bad.Kind);
        Assert.Equal("corrupt GIF data: invalid LZW code", bad.Message);
    }

    /// <summary>Real LZW (compressing, 12-bit codes, table resets) from ImageMagick, against ImageMagick's own decode.</summary>
    [ToolTheory("convert")]
    [InlineData(Fixtures.PalettePng, new string[0])]
    [InlineData(Fixtures.Rgb256Jpeg, new[] { "-colors", "256" })]
    [InlineData(Fixtures.Rgb256Jpeg, new[] { "-colors", "7", "-interlace", "GIF" })]
    [InlineData(Fixtures.Rgb256Jpeg, new[] { "-monochrome" })]
    [InlineData(Fixtures.SmallJpeg, new[] { "-colors", "31", "-interlace", "GIF" })]
    public void MatchesImageMagicksDecode(string source, string[] options)
    {
        using var dir = new Vigil.Testing.TempDirectory();
        var gif = dir.File("image.gif");
        Tools.RunConvert([Fixtures.Path_(source), .. options, gif]);
        var (code, expected, stderr) = Tools.Run(Tools.Convert!, [gif + "[0]", "-alpha", "off", "-depth", "8", "rgb:-"]);
        Assert.True(code == 0, stderr);
        using var image = _decoder.DecodeFile(gif);
        Assert.True(expected.AsSpan().SequenceEqual(image.Pixels), "pixels differ from ImageMagick's decode");
    }

    public void Dispose() => _decoder.Dispose();
}
