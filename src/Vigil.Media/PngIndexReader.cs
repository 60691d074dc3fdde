using System.Buffers;
using System.IO.Compression;

namespace Vigil.Media;

/// <summary>
/// Reads a palette PNG's pixel indices (not their colours), as Pillow's array of a mode "P" image holds them: the
/// IDAT zlib stream inflated, each scanline unfiltered, 1/2/4/8-bit indices unpacked, Adam7 passes placed. Used only
/// for <see cref="DecodeCompat.Pytx"/>, after libvips has decoded the same file (so its errors have been reported).
/// </summary>
internal static class PngIndexReader
{
    private static readonly (int X, int Y, int DX, int DY)[] s_adam7 =
        [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];

    /// <summary>Writes <c>Width * Height</c> indices into <paramref name="indices"/>, row-major.</summary>
    /// <exception cref="ImageDecodeException">The pixel data is damaged or short.</exception>
    internal static void Read(ReadOnlySpan<byte> data, PngHeader header, Span<byte> indices)
    {
        if (header.ColourType != PngHeader.Palette || header.BitDepth is not (1 or 2 or 4 or 8))
        {
            throw new ImageDecodeException(DecodeErrorKind.Corrupt, $"corrupt PNG data: palette images have 1, 2, 4 or 8 bits, not {header.BitDepth}");
        }

        var compressed = ArrayPool<byte>.Shared.Rent(data.Length);
        var rawLength = RawLength(header);
        var raw = ArrayPool<byte>.Shared.Rent((int)Math.Min(Array.MaxLength, rawLength));
        try
        {
            var length = PngChunks.ConcatenateIdat(data, compressed);
            Inflate(compressed, length, raw.AsSpan(0, (int)rawLength));
            if (!header.Interlaced)
            {
                Unpack(raw.AsSpan(0, (int)rawLength), header.Width, header.Height, header.BitDepth, indices, header.Width, 0, 0, 1, 1);
                return;
            }

            var offset = 0;
            foreach (var (x, y, dx, dy) in s_adam7)
            {
                var w = PassSize(header.Width, x, dx);
                var h = PassSize(header.Height, y, dy);
                if (w == 0 || h == 0)
                {
                    continue;
                }

                var passLength = (int)(((long)RowBytes(w, header.BitDepth) + 1) * h);
                Unpack(raw.AsSpan(offset, passLength), w, h, header.BitDepth, indices, header.Width, x, y, dx, dy);
                offset += passLength;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(raw);
            ArrayPool<byte>.Shared.Return(compressed);
        }
    }

    private static int PassSize(int size, int start, int step) => size <= start ? 0 : (size - start + step - 1) / step;

    private static int RowBytes(int width, int bitDepth) => (int)(((long)width * bitDepth + 7) / 8);

    private static long RawLength(PngHeader header)
    {
        long total;
        if (!header.Interlaced)
        {
            total = ((long)RowBytes(header.Width, header.BitDepth) + 1) * header.Height;
        }
        else
        {
            total = 0;
            foreach (var (x, y, dx, dy) in s_adam7)
            {
                var w = PassSize(header.Width, x, dx);
                var h = PassSize(header.Height, y, dy);
                if (w > 0 && h > 0)
                {
                    total += ((long)RowBytes(w, header.BitDepth) + 1) * h;
                }
            }
        }

        if (total > Array.MaxLength)
        {
            throw new ImageDecodeException(DecodeErrorKind.TooLarge, $"PNG image {header.Width}x{header.Height} is too large to decode");
        }

        return total;
    }

    private static void Inflate(byte[] compressed, int length, Span<byte> raw)
    {
        try
        {
            using var stream = new ZLibStream(new MemoryStream(compressed, 0, length, writable: false), CompressionMode.Decompress);
            stream.ReadExactly(raw);
        }
        catch (EndOfStreamException e)
        {
            throw new ImageDecodeException(DecodeErrorKind.Truncated, "truncated PNG data (the compressed pixel data ends early)", e);
        }
        catch (InvalidDataException e)
        {
            throw new ImageDecodeException(DecodeErrorKind.Corrupt, "corrupt PNG data: " + e.Message, e);
        }
    }

    /// <summary>Unfilters <paramref name="height"/> scanlines of <paramref name="width"/> indices in place and writes
    /// them to the image at (x0 + i*dx, y0 + j*dy).</summary>
    private static void Unpack(Span<byte> raw, int width, int height, int bitDepth, Span<byte> indices, int imageWidth, int x0, int y0, int dx, int dy)
    {
        var rowBytes = RowBytes(width, bitDepth);
        var perByte = 8 / bitDepth;
        var mask = (1 << bitDepth) - 1;
        Span<byte> previous = default;
        for (var j = 0; j < height; j++)
        {
            var line = raw.Slice(j * (rowBytes + 1), rowBytes + 1);
            var filter = line[0];
            var row = line[1..];
            Unfilter(filter, row, previous);
            previous = row;
            var target = (long)(y0 + (j * dy)) * imageWidth;
            for (var i = 0; i < width; i++)
            {
                int value = bitDepth == 8
                    ? row[i]
                    : (row[i / perByte] >> (8 - bitDepth - ((i % perByte) * bitDepth))) & mask;
                indices[(int)(target + x0 + (i * dx))] = (byte)value;
            }
        }
    }

    /// <summary>PNG filter types 0-4 with one byte per pixel (palette images), against the previous unfiltered row.</summary>
    private static void Unfilter(byte filter, Span<byte> row, ReadOnlySpan<byte> previous)
    {
        switch (filter)
        {
            case 0:
                return;
            case 1:
                for (var i = 1; i < row.Length; i++)
                {
                    row[i] += row[i - 1];
                }

                return;
            case 2:
                if (!previous.IsEmpty)
                {
                    for (var i = 0; i < row.Length; i++)
                    {
                        row[i] += previous[i];
                    }
                }

                return;
            case 3:
                for (var i = 0; i < row.Length; i++)
                {
                    var left = i > 0 ? row[i - 1] : 0;
                    var up = previous.IsEmpty ? 0 : previous[i];
                    row[i] += (byte)((left + up) >> 1);
                }

                return;
            case 4:
                for (var i = 0; i < row.Length; i++)
                {
                    int a = i > 0 ? row[i - 1] : 0;
                    int b = previous.IsEmpty ? 0 : previous[i];
                    int c = i > 0 && !previous.IsEmpty ? previous[i - 1] : 0;
                    int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
                    row[i] += (byte)(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
                }

                return;
            default:
                throw new ImageDecodeException(DecodeErrorKind.Corrupt, $"corrupt PNG data: unknown scanline filter {filter}");
        }
    }
}
