using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace Vigil.Media.Encoders;

/// <summary>
/// The one PNG writer behind <see cref="GrayPngEncoder"/> and <see cref="RgbPngEncoder"/>: 8 bits per
/// sample, one IDAT chunk, filter type 0 on every row, zlib-compressed, no interlace.
/// </summary>
internal static class PngWriter
{
    /// <summary>PNG colour type 0: one grey sample per pixel.</summary>
    public const byte Greyscale = 0;

    /// <summary>PNG colour type 2: red, green and blue samples per pixel.</summary>
    public const byte Truecolour = 2;

    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>
    /// The PNG of <paramref name="pixels"/>: <paramref name="height"/> rows of <paramref name="width"/> pixels of
    /// <paramref name="channels"/> bytes each, top to bottom, with no padding.
    /// </summary>
    public static byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height, int channels, byte colourType, string pixelsName)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, ushort.MaxValue);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, ushort.MaxValue);
        long expected = (long)width * height * channels;
        if (pixels.Length != expected)
            throw new ArgumentException($"expected {expected} bytes for {width}x{height}, got {pixels.Length}", pixelsName);

        // Each row is preceded by its filter type (0: none).
        int stride = width * channels;
        long rawLength = (long)(stride + 1) * height;
        if (rawLength > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(width), $"{width}x{height} is too large to encode");
        var raw = ArrayPool<byte>.Shared.Rent((int)rawLength);
        using var compressed = new MemoryStream();
        try
        {
            for (int y = 0; y < height; y++)
            {
                int row = y * (stride + 1);
                raw[row] = 0;
                pixels.Slice(y * stride, stride).CopyTo(raw.AsSpan(row + 1, stride));
            }
            using var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true);
            zlib.Write(raw, 0, (int)rawLength);
        }
        finally
        {
            // The rows may be a reviewer's media: do not leave them in a shared pool.
            ArrayPool<byte>.Shared.Return(raw, clearArray: true);
        }

        int idatLength = (int)compressed.Length;
        var png = new byte[Signature.Length + (12 + 13) + (12 + idatLength) + 12];
        var span = png.AsSpan();
        Signature.CopyTo(span);
        int at = Signature.Length;
        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8;           // bit depth
        header[9] = colourType;
        header[10] = 0;          // compression: deflate
        header[11] = 0;          // filter method 0
        header[12] = 0;          // no interlace
        at += WriteChunk(span[at..], "IHDR"u8, header);
        at += WriteChunk(span[at..], "IDAT"u8, compressed.GetBuffer().AsSpan(0, idatLength));
        at += WriteChunk(span[at..], "IEND"u8, []);
        System.Diagnostics.Debug.Assert(at == png.Length);
        return png;
    }

    /// <summary>Writes one chunk (length, type, data, CRC) at the start of <paramref name="output"/>; returns its size.</summary>
    private static int WriteChunk(Span<byte> output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        BinaryPrimitives.WriteInt32BigEndian(output, data.Length);
        type.CopyTo(output[4..]);
        data.CopyTo(output[8..]);
        // PNG's CRC-32 (zlib's) covers the chunk type and data.
        uint crc = Crc32.HashToUInt32(output.Slice(4, 4 + data.Length));
        BinaryPrimitives.WriteUInt32BigEndian(output[(8 + data.Length)..], crc);
        return 12 + data.Length;
    }
}
