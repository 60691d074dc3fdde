using System.Buffers.Binary;
using Vigil.Media.Tests.Support;

namespace Vigil.Media.Tests;

/// <summary>
/// <see cref="DecodeCompat.Pytx"/>: the arrays python-threatexchange hashes (Pillow's, without convert("RGB")). The
/// hashes against the fixtures' pytx_quirk_pdq are checked end to end in Vigil.Cli.Tests; here, the pixels.
/// </summary>
public sealed class PytxCompatDecodeTests : IDisposable
{
    private readonly ImageDecoder _reference = new();
    private readonly ImageDecoder _pytx = new(new DecodeOptions { Compat = DecodeCompat.Pytx });

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    public void PalettePngIsItsIndicesAsGrey(int bitDepth)
    {
        const int w = 37, h = 11;
        var entries = 1 << bitDepth;
        var palette = Enumerable.Range(0, entries * 3).Select(i => (byte)((i * 97) + 13)).ToArray();
        var indices = Enumerable.Range(0, w * h).Select(i => (i * 7 + i / w) % entries).ToArray();
        var png = PngWriter.Encode(w, h, PngWriter.Palette, bitDepth, indices, palette);
        using var image = _pytx.Decode(png);
        Assert.Equal(indices.SelectMany(i => new[] { (byte)i, (byte)i, (byte)i }).ToArray(), image.Pixels.ToArray());
        using var colours = _reference.Decode(png);
        Assert.Equal(indices.SelectMany(i => palette.Skip(3 * i).Take(3)).ToArray(), colours.Pixels.ToArray());
    }

    /// <summary>The fixture (and an Adam7-interlaced, adaptively filtered re-encoding of it by ImageMagick): each
    /// index read is the palette entry whose colour the reference decode shows at that pixel.</summary>
    [ToolFact("convert")]
    public void PaletteIndicesAgreeWithTheColoursIncludingInterlaced()
    {
        using var dir = new Vigil.Testing.TempDirectory();
        var interlaced = dir.File("interlaced.png");
        Tools.RunConvert(Fixtures.Path_(Fixtures.PalettePng), "-interlace", "PNG", "PNG8:" + interlaced);
        Assert.True(PngChunks.ReadHeader(File.ReadAllBytes(interlaced)) is { Interlaced: true, ColourType: PngHeader.Palette });
        foreach (var file in new[] { Fixtures.Path_(Fixtures.PalettePng), interlaced })
        {
            var data = File.ReadAllBytes(file);
            var palette = Plte(data);
            using var indices = _pytx.Decode(data);
            using var colours = _reference.Decode(data);
            var p = indices.Pixels;
            var c = colours.Pixels;
            var distinct = new HashSet<byte>();
            for (var i = 0; i < p.Length; i += 3)
            {
                var index = p[i];
                distinct.Add(index);
                Assert.True(p[i + 1] == index && p[i + 2] == index);
                Assert.True(c.Slice(i, 3).SequenceEqual(palette.AsSpan(3 * index, 3)), $"{Path.GetFileName(file)} pixel {i / 3}: index {index}");
            }

            Assert.True(distinct.Count > 100, "the fixture uses most of its palette");
        }
    }

    [Fact]
    public void GifIsItsIndicesAsGrey()
    {
        const int w = 23, h = 9;
        var palette = Enumerable.Range(0, 256 * 3).Select(i => (byte)(255 - (i % 256))).ToArray();
        var indices = Enumerable.Range(0, w * h).Select(i => (byte)((i * 11) % 256)).ToArray();
        var gif = GifWriter.Encode(w, h, palette, new GifWriter.Frame(0, 0, w, h, indices));
        using var image = _pytx.Decode(gif);
        Assert.Equal(indices.SelectMany(i => new[] { i, i, i }).ToArray(), image.Pixels.ToArray());
    }

    [Fact]
    public void SixteenBitGreyKeepsItsFullValues()
    {
        const int w = 19, h = 7;
        var samples = Enumerable.Range(0, w * h).Select(i => (i * 4099) % 65536).ToArray();
        var png = PngWriter.Encode(w, h, PngWriter.Grey, 16, samples);
        using var image = _pytx.Decode(png);
        Assert.Equal(samples.Select(s => (ushort)s).ToArray(), image.WideGrey.ToArray());
        Assert.Equal(samples.SelectMany(s => Enumerable.Repeat((byte)(s >> 8), 3)).ToArray(), image.Pixels.ToArray());

        using var reference = _reference.Decode(png);
        Assert.True(reference.WideGrey.IsEmpty);
        Assert.Equal(samples.SelectMany(s => Enumerable.Repeat((byte)Math.Min(s, 255), 3)).ToArray(), reference.Pixels.ToArray());
    }

    [Fact]
    public void OneBitGreyIsZeroAndOne()
    {
        const int w = 13, h = 5;
        var bits = Enumerable.Range(0, w * h).Select(i => i % 3 == 0 ? 1 : 0).ToArray();
        using var image = _pytx.Decode(PngWriter.Encode(w, h, PngWriter.Grey, 1, bits));
        Assert.Equal(bits.SelectMany(b => Enumerable.Repeat((byte)b, 3)).ToArray(), image.Pixels.ToArray());
    }

    [Fact]
    public void RgbImagesAreTheSameEitherWay()
    {
        foreach (var fixture in new[] { Fixtures.BridgeJpeg, Fixtures.RgbaPng, Fixtures.LaPng, Fixtures.WebpF })
        {
            using var a = _pytx.DecodeFile(Fixtures.Path_(fixture));
            using var b = _reference.DecodeFile(Fixtures.Path_(fixture));
            Assert.True(a.Pixels.SequenceEqual(b.Pixels), fixture);
            Assert.True(a.WideGrey.IsEmpty);
        }
    }

    [Fact]
    public void AutoOrientCannotBeCombinedWithPytx()
    {
        var e = Assert.Throws<ArgumentException>(() => new ImageDecoder(new DecodeOptions { Compat = DecodeCompat.Pytx, AutoOrient = true }));
        Assert.Contains("EXIF orientation", e.Message);
    }

    private static byte[] Plte(byte[] png)
    {
        var pos = 8;
        while (true)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            if (System.Text.Encoding.ASCII.GetString(png, pos + 4, 4) == "PLTE")
            {
                var palette = new byte[256 * 3];
                png.AsSpan(pos + 8, length).CopyTo(palette);
                return palette;
            }

            pos += 12 + length;
        }
    }

    public void Dispose()
    {
        _reference.Dispose();
        _pytx.Dispose();
    }
}
