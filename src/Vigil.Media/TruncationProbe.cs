using System.Buffers.Binary;

namespace Vigil.Media;

/// <summary>
/// After a decoder has failed, tells from the container structure whether the file simply ends too early, so the
/// error can say "truncated" rather than a library's generic "read error". Only cheap structural checks.
/// </summary>
internal static class TruncationProbe
{
    /// <summary>A short explanation if the data is visibly cut short, otherwise null.</summary>
    internal static string? Explain(ImageFormat format, ReadOnlySpan<byte> data) => format switch
    {
        ImageFormat.Png => Png(data),
        ImageFormat.WebP => Riff(data),
        ImageFormat.Bmp => Bmp(data),
        ImageFormat.Jpeg => Jpeg(data),
        _ => null,
    };

    private static string? Png(ReadOnlySpan<byte> data)
    {
        long pos = 8;
        while (true)
        {
            if (pos + 8 > data.Length)
            {
                return "the file ends before the PNG end marker";
            }

            var length = BinaryPrimitives.ReadUInt32BigEndian(data.Slice((int)pos, 4));
            if (length > int.MaxValue)
            {
                return null; // a corrupt length, not a short file
            }

            if (data.Slice((int)pos + 4, 4).SequenceEqual("IEND"u8))
            {
                return null;
            }

            if (pos + 12 + length > data.Length)
            {
                return $"the file ends inside its {System.Text.Encoding.ASCII.GetString(data.Slice((int)pos + 4, 4))} chunk";
            }

            pos += 12 + length;
        }
    }

    private static string? Riff(ReadOnlySpan<byte> data)
    {
        if (data.Length < 12)
        {
            return "the file ends inside the RIFF header";
        }

        var declared = 8L + BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(4, 4));
        return declared > data.Length ? $"the file is {data.Length} bytes but its header says {declared}" : null;
    }

    private static string? Bmp(ReadOnlySpan<byte> data)
    {
        if (data.Length < 30)
        {
            return "the file ends inside the BMP header";
        }

        var declared = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(2, 4));
        if (declared > data.Length)
        {
            return $"the file is {data.Length} bytes but its header says {declared}";
        }

        var pixelOffset = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(10, 4));
        var dib = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(14, 4));
        if (dib < 40)
        {
            return pixelOffset > data.Length ? "the file ends before the pixel data" : null;
        }

        long width = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(data.Slice(18, 4)));
        long height = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(data.Slice(22, 4)));
        int bitCount = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(28, 2));
        var compression = data.Length >= 34 ? BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(30, 4)) : 0;
        if (compression is 0 or 3 && bitCount is > 0 and <= 32 && width < 1 << 20 && height < 1 << 20)
        {
            var stride = ((bitCount * width) + 31) / 32 * 4;
            if (pixelOffset + (stride * height) > data.Length)
            {
                return "the file ends inside the pixel data";
            }
        }

        return null;
    }

    /// <summary>Walks the marker segments up to the first scan: running out of data on the way means the header is cut.</summary>
    private static string? Jpeg(ReadOnlySpan<byte> data) => FindFirstScan(data, resync: false, out _);

    /// <summary>
    /// Whether a JPEG's data reaches its end-of-image marker after the first scan. Entropy-coded data cannot contain
    /// FF D9 (a data byte FF is always stuffed as FF 00), so a missing EOI after the scan start means the file is cut.
    /// </summary>
    internal static bool JpegReachesEnd(ReadOnlySpan<byte> data)
    {
        if (FindFirstScan(data, resync: true, out var scan) is not null || scan < 0)
        {
            return false;
        }

        return data[scan..].IndexOf([(byte)0xFF, (byte)0xD9]) >= 0;
    }

    /// <summary>
    /// Finds the first start-of-scan marker. With <paramref name="resync"/>, stray bytes between segments are skipped
    /// as libjpeg does (it warns about "extraneous bytes before marker"); without, they count as damage.
    /// </summary>
    private static string? FindFirstScan(ReadOnlySpan<byte> data, bool resync, out int scan)
    {
        const string Cut = "the file ends inside the JPEG header";
        scan = -1;
        var pos = 2;
        while (true)
        {
            if (pos + 2 > data.Length)
            {
                return Cut;
            }

            if (data[pos] != 0xFF)
            {
                if (!resync)
                {
                    return null; // not at a marker: damaged, not short
                }

                var next = data[pos..].IndexOf((byte)0xFF);
                if (next < 0)
                {
                    return Cut;
                }

                pos += next;
                continue;
            }

            var marker = data[pos + 1];
            if (marker == 0xFF)
            {
                pos++;
                continue;
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                pos += 2;
                continue;
            }

            if (marker == 0xD9)
            {
                return null; // an end-of-image marker before any scan: damaged
            }

            if (pos + 4 > data.Length)
            {
                return Cut;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(pos + 2, 2));
            if (pos + 2 + length > data.Length)
            {
                return Cut;
            }

            if (marker == 0xDA)
            {
                scan = pos;
                return null; // the header is complete
            }

            pos += 2 + length;
        }
    }
}
