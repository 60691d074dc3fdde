using System.Buffers.Binary;
using System.IO.Hashing;

namespace Vigil.Media;

/// <summary>The fields of a PNG's IHDR chunk that decide how Pillow reads the image.</summary>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="BitDepth">Bits per sample: 1, 2, 4, 8 or 16.</param>
/// <param name="ColourType">0 grey, 2 RGB, 3 palette, 4 grey and alpha, 6 RGBA.</param>
/// <param name="Interlaced">Adam7 interlacing.</param>
internal readonly record struct PngHeader(int Width, int Height, int BitDepth, int ColourType, bool Interlaced)
{
    internal const int Grey = 0;
    internal const int Palette = 3;
}

/// <summary>
/// Structural reading of a PNG's chunks, independent of libvips: the header, and the damage libpng decodes past
/// without telling (libvips reports none of it): chunks whose CRC is wrong (libpng skips or uses them) and a file
/// that ends before its IEND marker (all the pixel data arrived, but the file was cut).
/// </summary>
internal static class PngChunks
{
    private const int SignatureLength = 8;

    /// <summary>The IHDR fields, or null if the data does not start with a well-formed IHDR.</summary>
    internal static PngHeader? ReadHeader(ReadOnlySpan<byte> data)
    {
        if (data.Length < SignatureLength + 8 + 13 || !data.Slice(SignatureLength + 4, 4).SequenceEqual("IHDR"u8)
            || BinaryPrimitives.ReadUInt32BigEndian(data[SignatureLength..]) != 13)
        {
            return null;
        }

        var ihdr = data.Slice(SignatureLength + 8, 13);
        var width = BinaryPrimitives.ReadUInt32BigEndian(ihdr);
        var height = BinaryPrimitives.ReadUInt32BigEndian(ihdr[4..]);
        if (width is 0 or > int.MaxValue || height is 0 or > int.MaxValue)
        {
            return null;
        }

        return new PngHeader((int)width, (int)height, ihdr[8], ihdr[9], ihdr[12] == 1);
    }

    /// <summary>
    /// Warnings about a PNG that decoded: each chunk with a wrong CRC, and a missing IEND. Null when there are none
    /// (the common case allocates nothing). Bytes after IEND are not damage (libpng and Pillow ignore them, as
    /// libjpeg does after EOI) and are not reported.
    /// </summary>
    internal static List<string>? Warnings(ReadOnlySpan<byte> data)
    {
        List<string>? warnings = null;
        long pos = SignatureLength;
        while (true)
        {
            if (pos + 12 > data.Length)
            {
                (warnings ??= []).Add("truncated PNG: the file ends before its IEND end marker");
                return warnings;
            }

            var length = BinaryPrimitives.ReadUInt32BigEndian(data.Slice((int)pos, 4));
            if (length > int.MaxValue || pos + 12 + length > data.Length)
            {
                (warnings ??= []).Add("truncated PNG: the file ends before its IEND end marker");
                return warnings;
            }

            var typeAndBody = data.Slice((int)pos + 4, 4 + (int)length);
            var stored = BinaryPrimitives.ReadUInt32BigEndian(data.Slice((int)(pos + 8 + length), 4));
            if (Crc32.HashToUInt32(typeAndBody) != stored)
            {
                (warnings ??= []).Add($"corrupt PNG data: chunk {ChunkName(typeAndBody[..4])} at byte {pos} has a wrong CRC");
            }

            if (typeAndBody[..4].SequenceEqual("IEND"u8))
            {
                return warnings;
            }

            pos += 12 + length;
        }
    }

    /// <summary>The IDAT chunks' contents, concatenated (the zlib stream), into a buffer the caller returns to the pool.</summary>
    internal static int ConcatenateIdat(ReadOnlySpan<byte> data, byte[] into)
    {
        long pos = SignatureLength;
        var total = 0;
        while (pos + 12 <= data.Length)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(data.Slice((int)pos, 4));
            if (length > int.MaxValue || pos + 12 + length > data.Length)
            {
                break;
            }

            var type = data.Slice((int)pos + 4, 4);
            if (type.SequenceEqual("IDAT"u8))
            {
                data.Slice((int)pos + 8, (int)length).CopyTo(into.AsSpan(total));
                total += (int)length;
            }
            else if (type.SequenceEqual("IEND"u8))
            {
                break;
            }

            pos += 12 + length;
        }

        return total;
    }

    private static string ChunkName(ReadOnlySpan<byte> type)
    {
        foreach (var b in type)
        {
            if (b is < 0x20 or > 0x7E)
            {
                return Convert.ToHexString(type);
            }
        }

        return System.Text.Encoding.ASCII.GetString(type);
    }
}
