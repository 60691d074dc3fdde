using System.Buffers.Binary;

namespace Vigil.Media.Exif;

/// <summary>
/// Finds the EXIF orientation (tag 0x0112 in IFD0, values 1..8) in a JPEG's APP1 "Exif" segment. A small,
/// bounds-checked parser: anything missing, malformed or out of range yields 1 (as stored, no transform).
/// </summary>
internal static class ExifOrientation
{
    /// <summary>Orientation 1: the image is stored the way it is meant to be displayed.</summary>
    internal const int Normal = 1;

    private const ushort OrientationTag = 0x0112;

    /// <summary>Reads the orientation from a whole JPEG file; 1 when it has none or it is unreadable.</summary>
    internal static int FromJpeg(ReadOnlySpan<byte> jpeg)
    {
        if (jpeg.Length < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8)
        {
            return Normal;
        }

        var pos = 2;
        while (pos + 4 <= jpeg.Length)
        {
            if (jpeg[pos] != 0xFF)
            {
                return Normal; // not at a marker: malformed header, give up
            }

            var marker = jpeg[pos + 1];
            if (marker == 0xFF)
            {
                pos++; // fill byte
                continue;
            }

            if (marker is 0xD9 or 0xDA)
            {
                return Normal; // end of image or start of scan: no metadata after this point
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                pos += 2; // standalone marker, no length
                continue;
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(jpeg.Slice(pos + 2, 2));
            if (length < 2 || pos + 2 + length > jpeg.Length)
            {
                return Normal;
            }

            var segment = jpeg.Slice(pos + 4, length - 2);
            if (marker == 0xE1 && segment.StartsWith("Exif\0\0"u8))
            {
                // The first Exif segment wins (as in Pillow).
                return FromTiff(segment[6..]);
            }

            pos += 2 + length;
        }

        return Normal;
    }

    /// <summary>Reads the orientation from a TIFF-structured EXIF block ("II*\0" or "MM\0*" header, then IFD0).</summary>
    internal static int FromTiff(ReadOnlySpan<byte> tiff)
    {
        if (tiff.Length < 8)
        {
            return Normal;
        }

        bool little;
        if (tiff[0] == (byte)'I' && tiff[1] == (byte)'I')
        {
            little = true;
        }
        else if (tiff[0] == (byte)'M' && tiff[1] == (byte)'M')
        {
            little = false;
        }
        else
        {
            return Normal;
        }

        if (ReadU16(tiff, 2, little) != 42)
        {
            return Normal;
        }

        var ifd = ReadU32(tiff, 4, little);
        if (ifd < 8 || ifd > (uint)tiff.Length - 2)
        {
            return Normal;
        }

        var offset = (int)ifd;
        int count = ReadU16(tiff, offset, little);
        var entries = offset + 2;
        for (var i = 0; i < count; i++)
        {
            var entry = entries + (i * 12);
            if (entry + 12 > tiff.Length)
            {
                return Normal;
            }

            if (ReadU16(tiff, entry, little) != OrientationTag)
            {
                continue;
            }

            var type = ReadU16(tiff, entry + 2, little);
            var valueCount = ReadU32(tiff, entry + 4, little);
            if (valueCount < 1)
            {
                return Normal;
            }

            // SHORT is what the standard says; tolerate LONG, which some writers use.
            uint value = type switch
            {
                3 => ReadU16(tiff, entry + 8, little),
                4 when valueCount == 1 => ReadU32(tiff, entry + 8, little),
                _ => 0,
            };
            return value is >= 1 and <= 8 ? (int)value : Normal;
        }

        return Normal;
    }

    private static ushort ReadU16(ReadOnlySpan<byte> s, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(s.Slice(at, 2)) : BinaryPrimitives.ReadUInt16BigEndian(s.Slice(at, 2));

    private static uint ReadU32(ReadOnlySpan<byte> s, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(s.Slice(at, 4)) : BinaryPrimitives.ReadUInt32BigEndian(s.Slice(at, 4));
}
