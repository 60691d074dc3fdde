using FsCheck;
using FsCheck.Fluent;
using Vigil.Media.Exif;

namespace Vigil.Media.Tests;

public sealed class ExifOrientationTests
{
    /// <summary>Builds a TIFF-structured EXIF block with IFD0 holding the given (tag, type, count, value) entries.</summary>
    private static byte[] Tiff(bool little, params (ushort Tag, ushort Type, uint Count, uint Value)[] entries)
    {
        var data = new byte[8 + 2 + (entries.Length * 12) + 4];
        void U16(int at, ushort v)
        {
            if (little)
            {
                data[at] = (byte)v;
                data[at + 1] = (byte)(v >> 8);
            }
            else
            {
                data[at] = (byte)(v >> 8);
                data[at + 1] = (byte)v;
            }
        }

        void U32(int at, uint v)
        {
            if (little)
            {
                U16(at, (ushort)v);
                U16(at + 2, (ushort)(v >> 16));
            }
            else
            {
                U16(at, (ushort)(v >> 16));
                U16(at + 2, (ushort)v);
            }
        }

        data[0] = data[1] = (byte)(little ? 'I' : 'M');
        U16(2, 42);
        U32(4, 8);
        U16(8, (ushort)entries.Length);
        for (var i = 0; i < entries.Length; i++)
        {
            var at = 10 + (i * 12);
            U16(at, entries[i].Tag);
            U16(at + 2, entries[i].Type);
            U32(at + 4, entries[i].Count);
            if (entries[i].Type == 3)
            {
                U16(at + 8, (ushort)entries[i].Value); // a SHORT sits in the first two bytes of the value field
            }
            else
            {
                U32(at + 8, entries[i].Value);
            }
        }

        return data;
    }

    /// <summary>Wraps an EXIF block into a minimal JPEG: SOI, optional APP0, APP1 "Exif", SOS...</summary>
    private static byte[] Jpeg(byte[] tiff, bool withApp0 = true)
    {
        var bytes = new List<byte> { 0xFF, 0xD8 };
        if (withApp0)
        {
            bytes.AddRange([0xFF, 0xE0, 0x00, 0x10, .. "JFIF\0"u8, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
        }

        var length = 2 + 6 + tiff.Length;
        bytes.AddRange([0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. "Exif\0\0"u8, .. tiff]);
        bytes.AddRange([0xFF, 0xDA, 0x00, 0x02, 0x00, 0x00, 0xFF, 0xD9]);
        return bytes.ToArray();
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(true, 6)]
    [InlineData(true, 8)]
    [InlineData(false, 3)]
    [InlineData(false, 6)]
    [InlineData(false, 7)]
    public void ReadsOrientationInBothByteOrders(bool little, int orientation)
    {
        var tiff = Tiff(little, (0x010F, 2, 4, 0), (0x0112, 3, 1, (uint)orientation), (0x0131, 2, 4, 0));
        Assert.Equal(orientation, ExifOrientation.FromTiff(tiff));
        Assert.Equal(orientation, ExifOrientation.FromJpeg(Jpeg(tiff)));
        Assert.Equal(orientation, ExifOrientation.FromJpeg(Jpeg(tiff, withApp0: false)));
    }

    [Fact]
    public void LongTypeIsTolerated() =>
        Assert.Equal(6, ExifOrientation.FromTiff(Tiff(true, (0x0112, 4, 1, 6))));

    [Fact]
    public void MissingTagIsNormal() =>
        Assert.Equal(1, ExifOrientation.FromJpeg(Jpeg(Tiff(false, (0x010F, 2, 4, 0), (0x0110, 2, 4, 0)))));

    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    [InlineData(0xFFFF)]
    public void OutOfRangeValueIsNormal(int value) =>
        Assert.Equal(1, ExifOrientation.FromTiff(Tiff(true, (0x0112, 3, 1, (uint)value))));

    [Fact]
    public void MalformedOffsetsAreNormal()
    {
        var tiff = Tiff(true, (0x0112, 3, 1, 6));

        var badIfd = (byte[])tiff.Clone();
        badIfd[4] = 0xF0; // IFD0 offset far past the end
        Assert.Equal(1, ExifOrientation.FromTiff(badIfd));

        var tooManyEntries = (byte[])tiff.Clone();
        tooManyEntries[8] = 0xFF; // claims 255 entries, the block holds 1
        tooManyEntries[9] = 0x00;
        // The real entry comes first, so it is still found; the claimed entries past the end are never read.
        Assert.Equal(6, ExifOrientation.FromTiff(tooManyEntries));

        var missingTagTooManyEntries = Tiff(true, (0x010F, 2, 4, 0));
        missingTagTooManyEntries[8] = 0xFF;
        Assert.Equal(1, ExifOrientation.FromTiff(missingTagTooManyEntries));

        Assert.Equal(1, ExifOrientation.FromTiff(tiff[..12])); // entry cut off
        Assert.Equal(1, ExifOrientation.FromTiff("XX*\0\0\0\0\b"u8)); // bad byte order
        Assert.Equal(1, ExifOrientation.FromTiff([(byte)'I', (byte)'I', 43, 0, 8, 0, 0, 0, 0, 0])); // bad magic
        Assert.Equal(1, ExifOrientation.FromTiff([]));
    }

    [Fact]
    public void MalformedJpegSegmentsAreNormal()
    {
        var jpeg = Jpeg(Tiff(true, (0x0112, 3, 1, 6)));
        Assert.Equal(6, ExifOrientation.FromJpeg(jpeg));

        var badLength = (byte[])jpeg.Clone();
        badLength[4] = 0xFF; // APP0 length runs past the end
        Assert.Equal(1, ExifOrientation.FromJpeg(badLength));

        Assert.Equal(1, ExifOrientation.FromJpeg(jpeg[..30])); // cut inside the APP1 segment
        Assert.Equal(1, ExifOrientation.FromJpeg([0xFF, 0xD8]));
        Assert.Equal(1, ExifOrientation.FromJpeg("not a jpeg"u8));
    }

    [Fact]
    public void MetadataAfterTheScanIsIgnored()
    {
        byte[] afterScan = [0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02, .. Jpeg(Tiff(true, (0x0112, 3, 1, 6)), withApp0: false)[2..]];
        Assert.Equal(1, ExifOrientation.FromJpeg(afterScan));
    }

    [Fact]
    public void FirstExifSegmentWins()
    {
        var first = Jpeg(Tiff(true, (0x0112, 3, 1, 3)), withApp0: false);
        var second = Jpeg(Tiff(true, (0x0112, 3, 1, 8)), withApp0: false);
        byte[] both = [.. first[..^8], .. second[2..]];
        Assert.Equal(3, ExifOrientation.FromJpeg(both));
    }

    [Fact]
    public void ArbitraryBytesNeverThrowAndGiveAValidOrientation()
    {
        Prop.ForAll<byte[]>(bytes =>
        {
            var jpegResult = ExifOrientation.FromJpeg([0xFF, 0xD8, 0xFF, 0xE1, 0x01, 0x00, .. "Exif\0\0"u8, .. bytes ?? []]);
            var tiffResult = ExifOrientation.FromTiff(bytes ?? []);
            var littleResult = ExifOrientation.FromTiff([(byte)'I', (byte)'I', 42, 0, .. bytes ?? []]);
            var bigResult = ExifOrientation.FromTiff([(byte)'M', (byte)'M', 0, 42, .. bytes ?? []]);
            return new[] { jpegResult, tiffResult, littleResult, bigResult }.All(o => o is >= 1 and <= 8);
        }).QuickCheckThrowOnFailure();
    }
}
