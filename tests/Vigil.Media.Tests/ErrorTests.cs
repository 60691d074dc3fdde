using System.Buffers.Binary;
using System.Diagnostics;
using Vigil.Media.Tests.Support;

namespace Vigil.Media.Tests;

/// <summary>Every failure is an <see cref="ImageDecodeException"/> with the right kind and a specific message.</summary>
public sealed class ErrorTests : IDisposable
{
    private readonly ImageDecoder _decoder = new();

    private ImageDecodeException Fails(byte[] data, ImageDecoder? decoder = null) =>
        Assert.Throws<ImageDecodeException>(() => (decoder ?? _decoder).Decode(data).Dispose());

    [Fact]
    public void EmptyInput()
    {
        var e = Fails([]);
        Assert.Equal(DecodeErrorKind.Empty, e.Kind);
        Assert.Equal("file is empty", e.Message);
    }

    [Fact]
    public void EmptyFile()
    {
        using var dir = new Vigil.Testing.TempDirectory();
        File.WriteAllBytes(dir.File("empty.jpg"), []);
        var e = Assert.Throws<ImageDecodeException>(() => _decoder.DecodeFile(dir.File("empty.jpg")));
        Assert.Equal(DecodeErrorKind.Empty, e.Kind);
        Assert.Equal("file is empty", e.Message);
    }

    [Fact]
    public void JpegCutInHalf()
    {
        var data = Fixtures.Read(Fixtures.BridgeJpeg);
        var e = Fails(data[..(data.Length / 2)]);
        Assert.Equal(DecodeErrorKind.Truncated, e.Kind);
        Assert.Equal("truncated JPEG data (premature end of file)", e.Message);
    }

    [Fact]
    public void CmykJpegCutInHalf()
    {
        var data = Fixtures.Read(Fixtures.CmykJpeg);
        var e = Fails(data[..(data.Length / 2)]);
        Assert.Equal(DecodeErrorKind.Truncated, e.Kind);
        Assert.Equal("truncated JPEG data (premature end of file)", e.Message);
    }

    [Fact]
    public void JpegCutInsideTheHeader()
    {
        var data = Fixtures.Read(Fixtures.BridgeJpeg);
        var e = Fails(data[..40]);
        Assert.Equal(DecodeErrorKind.Truncated, e.Kind);
        Assert.StartsWith("truncated JPEG data", e.Message);
    }

    [Fact]
    public void JpegWithGarbageAfterTheEndIsFine()
    {
        var data = Fixtures.Read(Fixtures.SmallJpeg).Concat(new byte[100]).ToArray();
        using var image = _decoder.Decode(data);
        Assert.Equal(128, image.Width);
    }

    /// <summary>
    /// libjpeg only warns about stray bytes between segments, and Pillow decodes such files; libjpeg-turbo 2.1's
    /// tjDecompressHeader3 returns -1 for that warning, which must not be taken as a failure.
    /// </summary>
    [Fact]
    public void JpegWithExtraneousBytesBeforeAMarkerDecodes()
    {
        var data = Fixtures.Read(Fixtures.SmallJpeg);
        var sos = FindMarker(data, 0xDA);
        byte[] withJunk = [.. data[..sos], 1, 2, 3, .. data[sos..]];
        using var expected = _decoder.Decode(data);
        using var actual = _decoder.Decode(withJunk);
        Assert.True(expected.Pixels.SequenceEqual(actual.Pixels));
    }

    /// <summary>libjpeg reports only its first warning, so truncation after a harmless warning is found from the missing end marker.</summary>
    [Fact]
    public void JpegCutAfterAHarmlessWarningIsStillTruncated()
    {
        var data = Fixtures.Read(Fixtures.SmallJpeg);
        var sos = FindMarker(data, 0xDA);
        byte[] withJunk = [.. data[..sos], 1, 2, 3, .. data[sos..]];
        var e = Fails(withJunk[..(withJunk.Length * 2 / 3)]);
        Assert.Equal(DecodeErrorKind.Truncated, e.Kind);
        Assert.Equal("truncated JPEG data (premature end of file)", e.Message);
    }

    [Fact]
    public void PngCutInHalf()
    {
        var data = Fixtures.Read(Fixtures.RgbaPng);
        var e = Fails(data[..(data.Length / 2)]);
        Assert.Equal(DecodeErrorKind.Truncated, e.Kind);
        Assert.Equal("truncated PNG data (the file ends inside its IDAT chunk)", e.Message);
    }

    [Fact]
    public void PngCutInsideTheHeader()
    {
        var data = Fixtures.Read(Fixtures.RgbaPng);
        var e = Fails(data[..20]);
        Assert.Equal(DecodeErrorKind.Truncated, e.Kind);
        Assert.Equal("truncated PNG data (the file ends inside its IHDR chunk)", e.Message);
    }

    [Fact]
    public void PngWithCorruptCompressedData()
    {
        var data = PngWriter.Encode(64, 64, PngWriter.Rgb, 8, Enumerable.Range(0, 64 * 64 * 3).Select(i => i % 251).ToArray());
        // Overwrite the middle of the zlib stream inside IDAT (the chunk after the 33-byte signature + IHDR).
        for (var i = 45; i < 60; i++)
        {
            data[i] = 0xFF;
        }

        var e = Fails(data);
        Assert.Equal(DecodeErrorKind.Corrupt, e.Kind);
        Assert.StartsWith("corrupt PNG data", e.Message);
    }

    [Fact]
    public void WebpCutInHalf()
    {
        var data = Fixtures.Read(Fixtures.WebpF);
        var e = Fails(data[..(data.Length / 2)]);
        Assert.Equal(DecodeErrorKind.Truncated, e.Kind);
        Assert.Equal($"truncated WebP data (the file is {data.Length / 2} bytes but its header says {data.Length})", e.Message);
    }

    [Fact]
    public void RandomBytes()
    {
        var random = new Random(42);
        var data = new byte[4096];
        random.NextBytes(data);
        data[0] = 0x12; // make sure it does not happen to start with a magic number
        var e = Fails(data);
        Assert.Equal(DecodeErrorKind.NotAnImage, e.Kind);
        Assert.Equal("not a recognised image format", e.Message);
    }

    [Fact]
    public void TextFile()
    {
        var e = Fails("BMW parts list\nwheels: 4\n"u8.ToArray());
        Assert.Equal(DecodeErrorKind.NotAnImage, e.Kind);
        Assert.Equal("not a recognised image format", e.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0x0A, 0xFA, 0x7F, 0x01 }, "JPEG XL images are not supported")]
    [InlineData(new byte[] { 0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A, 0, 0, 0, 0 }, "JPEG 2000 images are not supported")]
    [InlineData(new byte[] { 0x38, 0x42, 0x50, 0x53, 0x00, 0x01, 0, 0 }, "Photoshop (PSD) images are not supported")]
    public void RecognisedButUnsupportedFormat(byte[] data, string message)
    {
        var e = Fails(data);
        Assert.Equal(DecodeErrorKind.UnsupportedFormat, e.Kind);
        Assert.Equal(message, e.Message);
    }

    private const string Bomb20k = "image is 20000x20000 (400.0 megapixels), over the 100 megapixel limit (see --max-megapixels)";

    [Fact]
    public void PngDecompressionBombIsRefusedFromItsHeader()
    {
        var sw = Stopwatch.StartNew();
        var e = Fails(PngWriter.HeaderOnly(20000, 20000));
        Assert.Equal(DecodeErrorKind.TooLarge, e.Kind);
        Assert.Equal(Bomb20k, e.Message);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), "refusal should be immediate");
    }

    [Fact]
    public void JpegDecompressionBombIsRefusedFromItsHeader()
    {
        var data = Fixtures.Read(Fixtures.SmallJpeg);
        var sof = FindMarker(data, 0xC0);
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(sof + 5), 20000); // height
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(sof + 7), 20000); // width
        var e = Fails(data);
        Assert.Equal(DecodeErrorKind.TooLarge, e.Kind);
        Assert.Equal(Bomb20k, e.Message);
    }

    [Fact]
    public void BmpDecompressionBombIsRefusedFromItsHeader()
    {
        var bmp = new byte[64];
        "BM"u8.CopyTo(bmp);
        BinaryPrimitives.WriteUInt32LittleEndian(bmp.AsSpan(2), (uint)bmp.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(bmp.AsSpan(10), 54);
        BinaryPrimitives.WriteUInt32LittleEndian(bmp.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), 20000);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), -20000); // top-down
        BinaryPrimitives.WriteUInt16LittleEndian(bmp.AsSpan(26), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(bmp.AsSpan(28), 24);
        var e = Fails(bmp);
        Assert.Equal(DecodeErrorKind.TooLarge, e.Kind);
        Assert.Equal(Bomb20k, e.Message);
    }

    [Fact]
    public void GifDecompressionBombIsRefusedFromItsHeader()
    {
        // A 20000x20000 screen and frame, with a few bytes of image data. (libnsgif treats a huge screen around a
        // small first frame as bogus and uses the frame's size, so the frame must claim the size too.)
        byte[] gif =
        [
            .. "GIF89a"u8, 0x20, 0x4E, 0x20, 0x4E, 0x80, 0, 0, // 20000x20000 screen, global colour table of 2
            0, 0, 0, 255, 255, 255,
            0x2C, 0, 0, 0, 0, 0x20, 0x4E, 0x20, 0x4E, 0, // image descriptor 20000x20000
            2, 2, 0x44, 0x01, 0, // LZW minimum code size 2, one sub-block
            0x3B,
        ];
        var e = Fails(gif);
        Assert.Equal(DecodeErrorKind.TooLarge, e.Kind);
        Assert.Equal(Bomb20k, e.Message);
    }

    [Fact]
    public void TiffDecompressionBombIsRefusedFromItsHeader()
    {
        // Minimal little-endian TIFF: 20000x20000 8-bit greyscale, one strip that is not there.
        (ushort Tag, ushort Type, uint Value)[] entries =
        [
            (256, 4, 20000), (257, 4, 20000), (258, 3, 8), (259, 3, 1), (262, 3, 1),
            (273, 4, 8), (277, 3, 1), (278, 4, 20000), (279, 4, 400_000_000),
        ];
        var tiff = new byte[8 + 16 + 2 + (entries.Length * 12) + 4];
        "II*\0"u8.CopyTo(tiff);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(4), 24);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(24), (ushort)entries.Length);
        for (var i = 0; i < entries.Length; i++)
        {
            var at = 26 + (i * 12);
            BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(at), entries[i].Tag);
            BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(at + 2), entries[i].Type);
            BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(at + 4), 1);
            if (entries[i].Type == 3)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(at + 8), (ushort)entries[i].Value);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(at + 8), entries[i].Value);
            }
        }

        var e = Fails(tiff);
        Assert.Equal(DecodeErrorKind.TooLarge, e.Kind);
        Assert.Equal(Bomb20k, e.Message);
    }

    /// <summary>A real lossy WebP whose VP8 frame header (and canvas, if any) is patched to 16000x16000 (WebP's limit is 16383).</summary>
    [Fact]
    public void WebpDecompressionBombIsRefusedFromItsHeader()
    {
        var webp = Fixtures.Read(Fixtures.WebpF);
        var patched = false;
        for (var pos = 12; pos + 8 <= webp.Length;)
        {
            var fourcc = System.Text.Encoding.ASCII.GetString(webp, pos, 4);
            var size = BinaryPrimitives.ReadInt32LittleEndian(webp.AsSpan(pos + 4));
            var body = pos + 8;
            switch (fourcc)
            {
                case "VP8X":
                    webp[body + 4] = 0x7F; // canvas width - 1 = 15999 (24-bit little-endian)
                    webp[body + 5] = 0x3E;
                    webp[body + 6] = 0;
                    webp[body + 7] = 0x7F;
                    webp[body + 8] = 0x3E;
                    webp[body + 9] = 0;
                    break;
                case "VP8 ":
                    // Key frame: 3-byte tag, start code 9D 01 2A, then 14-bit width and height (+2 scale bits each).
                    Assert.Equal(new byte[] { 0x9D, 0x01, 0x2A }, webp[(body + 3)..(body + 6)]);
                    BinaryPrimitives.WriteUInt16LittleEndian(webp.AsSpan(body + 6), 16000);
                    BinaryPrimitives.WriteUInt16LittleEndian(webp.AsSpan(body + 8), 16000);
                    patched = true;
                    break;
            }

            pos = body + size + (size & 1);
        }

        Assert.True(patched, "F.webp should be a lossy (VP8) WebP");
        var e = Fails(webp);
        Assert.Equal(DecodeErrorKind.TooLarge, e.Kind);
        Assert.Equal("image is 16000x16000 (256.0 megapixels), over the 100 megapixel limit (see --max-megapixels)", e.Message);
    }

    [Fact]
    public void MaxPixelsIsConfigurable()
    {
        var data = Fixtures.Read(Fixtures.BridgeJpeg); // 1600x1004 = 1.6 MP
        using (var strict = new ImageDecoder(new DecodeOptions { MaxPixels = 1_000_000 }))
        {
            var e = Fails(data, strict);
            Assert.Equal(DecodeErrorKind.TooLarge, e.Kind);
            Assert.Equal("image is 1600x1004 (1.6 megapixels), over the 1 megapixel limit (see --max-megapixels)", e.Message);

            var png = Fails(Fixtures.Read(Fixtures.RgbaPng), strict);
            Assert.Equal(DecodeErrorKind.TooLarge, png.Kind);
        }

        using (var exact = new ImageDecoder(new DecodeOptions { MaxPixels = 1600 * 1004 }))
        using (var image = exact.Decode(data))
        {
            Assert.Equal(1600, image.Width);
        }

        using var tight = new ImageDecoder(new DecodeOptions { MaxPixels = (1600 * 1004) - 1 });
        Assert.Equal(DecodeErrorKind.TooLarge, Fails(data, tight).Kind);
    }

    [Fact]
    public void MissingFileIsAnIoError()
    {
        var path = Path.Combine(Path.GetTempPath(), "vigil-no-such-dir-" + Guid.NewGuid(), "missing.jpg");
        var e = Assert.Throws<ImageDecodeException>(() => _decoder.DecodeFile(path));
        Assert.Equal(DecodeErrorKind.Io, e.Kind);
        Assert.StartsWith($"cannot read {path}: ", e.Message);
        Assert.Contains("Could not find", e.Message);
    }

    [Fact]
    public void DirectoryIsAnIoError()
    {
        using var dir = new Vigil.Testing.TempDirectory();
        var e = Assert.Throws<ImageDecodeException>(() => _decoder.DecodeFile(dir.Path));
        Assert.Equal(DecodeErrorKind.Io, e.Kind);
        Assert.Equal($"cannot read {dir.Path}: it is a directory", e.Message);
    }

    [Fact]
    public void InvalidMaxPixelsIsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageDecoder(new DecodeOptions { MaxPixels = 0 }));
    }

    [Fact]
    public void DisposedDecoderThrowsObjectDisposed()
    {
        var decoder = new ImageDecoder();
        decoder.Dispose();
        Assert.Throws<ObjectDisposedException>(() => decoder.Decode([0xFF, 0xD8, 0xFF]));
    }

    /// <summary>
    /// After each kind of failure the same decoder still decodes good files. (libjpeg-turbo 2.1 leaves its handle
    /// unusable after a header error: every later header read failed with the same message until the handle was
    /// recreated.)
    /// </summary>
    [Fact]
    public void DecoderRecoversAfterFailures()
    {
        var jpeg = Fixtures.Read(Fixtures.SmallJpeg);
        var png = Fixtures.Read(Fixtures.LaPng);
        byte[] expectedJpeg, expectedPng;
        using (var fresh = new ImageDecoder())
        {
            using var a = fresh.Decode(jpeg);
            using var b = fresh.Decode(png);
            expectedJpeg = a.Pixels.ToArray();
            expectedPng = b.Pixels.ToArray();
        }

        var damagedHeader = (byte[])jpeg.Clone();
        var dqt = FindMarker(damagedHeader, 0xDB);
        damagedHeader[dqt + 2] = 0xFF; // DQT length now runs past the header
        byte[][] bad =
        [
            jpeg[..400], jpeg[..(jpeg.Length / 2)], damagedHeader, png[..(png.Length / 2)], [0xFF, 0xD8, 0xFF], PngWriter.HeaderOnly(20000, 20000),
        ];
        foreach (var data in bad)
        {
            Fails(data);
            using var j = _decoder.Decode(jpeg);
            Assert.True(j.Pixels.SequenceEqual(expectedJpeg));
            using var p = _decoder.Decode(png);
            Assert.True(p.Pixels.SequenceEqual(expectedPng));
        }
    }

    [Fact]
    public void JpegCutInsideTheTables()
    {
        var data = Fixtures.Read(Fixtures.SmallJpeg);
        var dht = FindMarker(data, 0xC4);
        var e = Fails(data[..(dht + 10)]);
        Assert.Equal(DecodeErrorKind.Truncated, e.Kind);
        Assert.Equal("truncated JPEG data (the file ends inside the JPEG header)", e.Message);
    }

    internal static int FindMarker(byte[] jpeg, byte marker)
    {
        var pos = 2;
        while (pos + 4 <= jpeg.Length)
        {
            if (jpeg[pos + 1] == marker)
            {
                return pos;
            }

            pos += 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(pos + 2));
        }

        throw new InvalidOperationException("marker not found");
    }

    public void Dispose() => _decoder.Dispose();
}
