using System.Buffers.Binary;
using Vigil.Media.Tests.Support;
using DamagedJpeg = Vigil.Testing.DamagedJpeg;
using TempDirectory = Vigil.Testing.TempDirectory;

namespace Vigil.Media.Tests;

/// <summary>Damage the decoders decode past reaches the caller as <see cref="RgbImage.Warnings"/>, not silence.</summary>
public sealed class DecoderWarningTests : IDisposable
{
    private readonly ImageDecoder _decoder = new();

    [Fact]
    public void IntactFilesHaveNoWarnings()
    {
        foreach (var fixture in new[] { Fixtures.BridgeJpeg, Fixtures.CmykJpeg, Fixtures.PalettePng, Fixtures.I16Png, Fixtures.WebpF })
        {
            using var image = _decoder.DecodeFile(Fixtures.Path_(fixture));
            Assert.True(image.Warnings.Count == 0, $"{fixture}: {string.Join("; ", image.Warnings)}");
        }
    }

    /// <summary>Corrupt entropy-coded data decodes (as libjpeg and Pillow do), with libjpeg-turbo's warning carried out.</summary>
    [Theory]
    [InlineData(Fixtures.BridgeJpeg)]
    [InlineData(Fixtures.CmykJpeg)]
    public void CorruptEntropyDataDecodesWithTheLibjpegWarning(string fixture)
    {
        var intact = Fixtures.Read(fixture);
        var damaged = DamagedJpeg.CorruptEntropyData(intact);
        using var clean = _decoder.Decode(intact);
        using var image = _decoder.Decode(damaged);
        Assert.Equal((clean.Width, clean.Height), (image.Width, image.Height));
        Assert.False(clean.Pixels.SequenceEqual(image.Pixels), "the damage should change the pixels");
        var warning = Assert.Single(image.Warnings);
        Assert.StartsWith("Corrupt JPEG data", warning);
    }

    /// <summary>The same damaged bytes make libjpeg-turbo's own djpeg warn, so the warning is libjpeg's, not ours.</summary>
    [ToolFact("djpeg")]
    public void DjpegWarnsAboutTheSameDamage()
    {
        using var dir = new TempDirectory();
        var path = dir.File("damaged.jpg");
        File.WriteAllBytes(path, DamagedJpeg.CorruptEntropyData(Fixtures.Read(Fixtures.BridgeJpeg)));
        var (code, _, stderr) = Tools.Run(Tools.Djpeg!, [path]);
        Assert.Equal(2, code); // djpeg's EXIT_WARNING
        using var image = _decoder.DecodeFile(path);
        Assert.Contains(Assert.Single(image.Warnings), stderr);
    }

    [Fact]
    public void ExtraneousBytesBeforeAMarkerAreAWarning()
    {
        var data = Fixtures.Read(Fixtures.SmallJpeg);
        var sos = ErrorTests.FindMarker(data, 0xDA);
        byte[] withJunk = [.. data[..sos], 1, 2, 3, .. data[sos..]];
        using var image = _decoder.Decode(withJunk);
        Assert.Equal("Corrupt JPEG data: 3 extraneous bytes before marker 0xda", Assert.Single(image.Warnings));
    }

    [Fact]
    public void PngWithoutItsEndMarkerIsAWarning()
    {
        var data = Fixtures.Read(Fixtures.PalettePng);
        var cut = data[..IndexOfChunk(data, "IEND")];
        using var image = _decoder.Decode(cut);
        Assert.Equal("truncated PNG: the file ends before its IEND end marker", Assert.Single(image.Warnings));
    }

    [Fact]
    public void PngCutInsideItsEndMarkerIsAWarning()
    {
        var data = Fixtures.Read(Fixtures.PalettePng);
        using var image = _decoder.Decode(data[..^2]);
        Assert.Equal("truncated PNG: the file ends before its IEND end marker", Assert.Single(image.Warnings));
    }

    [Fact]
    public void PngChunkWithAWrongCrcIsAWarning()
    {
        var data = Fixtures.Read(Fixtures.PalettePng);
        var exif = IndexOfChunk(data, "eXIf");
        var length = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(exif));
        data[exif + 8 + length] ^= 0x10; // the stored CRC
        using var image = _decoder.Decode(data);
        Assert.Equal($"corrupt PNG data: chunk eXIf at byte {exif} has a wrong CRC", Assert.Single(image.Warnings));
    }

    [Fact]
    public void PngCutInsideItsPixelDataIsStillAnError()
    {
        var data = Fixtures.Read(Fixtures.PalettePng);
        var e = Assert.Throws<ImageDecodeException>(() => _decoder.Decode(data[..(data.Length / 2)]));
        Assert.Equal(DecodeErrorKind.Truncated, e.Kind);
    }

    [Fact]
    public void GifFrameWhoseDataStopsEarlyIsAWarning()
    {
        const int w = 20, h = 10;
        var palette = Enumerable.Range(0, 16 * 3).Select(i => (byte)(i * 5)).ToArray();
        var indices = Enumerable.Range(0, w * h).Select(i => (byte)(i % 16)).ToArray();
        // A frame that claims ten rows but whose data (ending with its end code) holds four.
        var gif = GifWriter.Encode(w, h, palette, new GifWriter.Frame(0, 0, w, 4, indices[..(w * 4)]));
        var descriptor = Array.IndexOf(gif, (byte)0x2C, 13 + (16 * 3));
        BinaryPrimitives.WriteUInt16LittleEndian(gif.AsSpan(descriptor + 7), h);
        using var image = _decoder.Decode(gif);
        Assert.Equal((w, h), (image.Width, image.Height));
        Assert.Equal($"corrupt GIF data: the first frame's image data has its end code after {w * 4} of its {w * h} pixels; the rest is background",
            Assert.Single(image.Warnings));

        using var whole = _decoder.Decode(GifWriter.Encode(w, h, palette, new GifWriter.Frame(0, 0, w, h, indices)));
        Assert.Empty(whole.Warnings);
    }

    [Fact]
    public void WarningsSurviveAutoOrientation()
    {
        var damaged = DamagedJpeg.CorruptEntropyData(Fixtures.Read(Fixtures.ExifRotn6));
        using var decoder = new ImageDecoder(new DecodeOptions { AutoOrient = true });
        using var image = decoder.Decode(damaged);
        Assert.Equal((3024, 4032), (image.Width, image.Height));
        Assert.StartsWith("Corrupt JPEG data", Assert.Single(image.Warnings));
    }

    private static int IndexOfChunk(byte[] png, string type)
    {
        var pos = 8;
        while (pos + 8 <= png.Length)
        {
            if (System.Text.Encoding.ASCII.GetString(png, pos + 4, 4) == type)
            {
                return pos;
            }

            pos += 12 + BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
        }

        throw new InvalidOperationException(type + " not found");
    }

    public void Dispose() => _decoder.Dispose();
}
