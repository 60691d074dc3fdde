using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace Vigil.Media.Encoders;

/// <summary>
/// Writes 8-bit greyscale pixels as a PNG file (one IDAT chunk, filter type 0 on every row,
/// zlib-compressed), so that small images such as review thumbnails can be shown by any browser.
/// </summary>
public static class GrayPngEncoder
{
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The PNG of <paramref name="pixels"/>: <paramref name="height"/> rows of <paramref name="width"/> bytes, top to bottom.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The size is not positive or is larger than 65,535 on a side.</exception>
    /// <exception cref="ArgumentException"><paramref name="pixels"/> is not width × height bytes.</exception>
    public static byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, ushort.MaxValue);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, ushort.MaxValue);
        if (pixels.Length != (long)width * height)
            throw new ArgumentException($"expected {(long)width * height} bytes for {width}x{height}, got {pixels.Length}", nameof(pixels));

        // Each row is preceded by its filter type (0: none).
        var raw = new byte[(long)(width + 1) * height];
        for (int y = 0; y < height; y++)
            pixels.Slice(y * width, width).CopyTo(raw.AsSpan(y * (width + 1) + 1));
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            zlib.Write(raw);

        using var png = new MemoryStream();
        png.Write(Signature);
        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8;  // bit depth
        header[9] = 0;  // colour type: greyscale
        header[10] = 0; // compression: deflate
        header[11] = 0; // filter method 0
        header[12] = 0; // no interlace
        WriteChunk(png, "IHDR"u8, header);
        WriteChunk(png, "IDAT"u8, compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        WriteChunk(png, "IEND"u8, []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        output.Write(number);
        output.Write(type);
        output.Write(data);
        // PNG's CRC-32 (zlib's) covers the chunk type and data.
        var crc = new Crc32();
        crc.Append(type);
        crc.Append(data);
        BinaryPrimitives.WriteUInt32BigEndian(number, crc.GetCurrentHashAsUInt32());
        output.Write(number);
    }
}
