using System.Buffers.Binary;

namespace Vigil.Media;

/// <summary>Recognises image formats from their leading magic bytes.</summary>
internal static class FormatSniffer
{
    /// <summary>How many leading bytes <see cref="Sniff"/> may look at.</summary>
    internal const int HeaderBytes = 64;

    /// <summary>
    /// Identifies the format. <paramref name="otherFormat"/> names a recognised image format that Vigil does not
    /// decode at all (JPEG XL, JPEG 2000, ...); then the result is <see cref="ImageFormat.Unknown"/>.
    /// </summary>
    internal static ImageFormat Sniff(ReadOnlySpan<byte> h, out string? otherFormat)
    {
        otherFormat = null;
        if (h.Length >= 3 && h[0] == 0xFF && h[1] == 0xD8 && h[2] == 0xFF)
        {
            return ImageFormat.Jpeg;
        }

        if (Starts(h, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return ImageFormat.Png;
        }

        if (h.StartsWith("GIF87a"u8) || h.StartsWith("GIF89a"u8))
        {
            return ImageFormat.Gif;
        }

        if (h.Length >= 12 && h.StartsWith("RIFF"u8) && h.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            return ImageFormat.WebP;
        }

        if (h.StartsWith("II*\0"u8) || h.StartsWith("MM\0*"u8) || h.StartsWith("II+\0"u8) || h.StartsWith("MM\0+"u8))
        {
            return ImageFormat.Tiff;
        }

        if (IsBmp(h))
        {
            return ImageFormat.Bmp;
        }

        if (h.Length >= 12 && h.Slice(4, 4).SequenceEqual("ftyp"u8))
        {
            return SniffIsoBmff(h, out otherFormat);
        }

        otherFormat = SniffOther(h);
        return ImageFormat.Unknown;
    }

    private static bool Starts(ReadOnlySpan<byte> h, ReadOnlySpan<byte> magic) => h.StartsWith(magic);

    private static bool IsBmp(ReadOnlySpan<byte> h)
    {
        // "BM" alone is too weak (plain text can start with it): also require a known DIB header size.
        if (h.Length < 18 || h[0] != (byte)'B' || h[1] != (byte)'M')
        {
            return false;
        }

        var dibSize = BinaryPrimitives.ReadUInt32LittleEndian(h.Slice(14, 4));
        return dibSize is 12 or 16 or 40 or 52 or 56 or 64 or 108 or 124;
    }

    private static ImageFormat SniffIsoBmff(ReadOnlySpan<byte> h, out string? otherFormat)
    {
        otherFormat = null;
        var boxSize = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(h), (uint)h.Length);
        var major = h.Slice(8, 4);
        if (IsAvifBrand(major))
        {
            return ImageFormat.Avif;
        }

        if (IsHeifBrand(major))
        {
            // "mif1"/"msf1" are generic: the compatible brands say whether the codec is AV1.
            for (var i = 16; i + 4 <= boxSize; i += 4)
            {
                if (IsAvifBrand(h.Slice(i, 4)))
                {
                    return ImageFormat.Avif;
                }
            }

            return ImageFormat.Heif;
        }

        for (var i = 16; i + 4 <= boxSize; i += 4)
        {
            var brand = h.Slice(i, 4);
            if (IsAvifBrand(brand))
            {
                return ImageFormat.Avif;
            }

            if (IsHeifBrand(brand))
            {
                return ImageFormat.Heif;
            }
        }

        if (major.SequenceEqual("jxl "u8))
        {
            otherFormat = "JPEG XL";
        }
        else if (major.SequenceEqual("jp2 "u8) || major.SequenceEqual("jpx "u8))
        {
            otherFormat = "JPEG 2000";
        }

        return ImageFormat.Unknown;
    }

    private static bool IsAvifBrand(ReadOnlySpan<byte> b) => b.SequenceEqual("avif"u8) || b.SequenceEqual("avis"u8);

    private static bool IsHeifBrand(ReadOnlySpan<byte> b) =>
        b.SequenceEqual("heic"u8) || b.SequenceEqual("heix"u8) || b.SequenceEqual("hevc"u8) || b.SequenceEqual("hevx"u8) ||
        b.SequenceEqual("heim"u8) || b.SequenceEqual("heis"u8) || b.SequenceEqual("hevm"u8) || b.SequenceEqual("hevs"u8) ||
        b.SequenceEqual("mif1"u8) || b.SequenceEqual("msf1"u8);

    /// <summary>Image formats that are recognised only to give a precise "unsupported" message.</summary>
    private static string? SniffOther(ReadOnlySpan<byte> h)
    {
        if (Starts(h, [0xFF, 0x0A]) || Starts(h, [0x00, 0x00, 0x00, 0x0C, 0x4A, 0x58, 0x4C, 0x20, 0x0D, 0x0A, 0x87, 0x0A]))
        {
            return "JPEG XL";
        }

        if (Starts(h, [0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A]) || Starts(h, [0xFF, 0x4F, 0xFF, 0x51]))
        {
            return "JPEG 2000";
        }

        if (h.StartsWith("8BPS"u8))
        {
            return "Photoshop (PSD)";
        }

        if (h.Length >= 6 && Starts(h, [0x00, 0x00, 0x01, 0x00]) && (h[4] != 0 || h[5] != 0))
        {
            return "Windows icon (ICO)";
        }

        if (h.StartsWith("qoif"u8))
        {
            return "QOI";
        }

        if (Starts(h, [0x76, 0x2F, 0x31, 0x01]))
        {
            return "OpenEXR";
        }

        if (h.StartsWith("%PDF"u8))
        {
            return "PDF";
        }

        return null;
    }
}
