using System.Buffers;
using System.Buffers.Binary;

namespace Vigil.Media;

/// <summary>
/// Decodes the first frame of a GIF in managed code, the way Pillow does (mode "P", then <c>convert("RGB")</c>):
/// the canvas is the logical screen (grown to fit the frame), filled with the frame's transparent index if it has
/// one (otherwise index 0), the frame's indices are written into it, and every index, transparent or not, becomes
/// its palette colour. libvips' GIF loader (libnsgif) differs on exactly the pixels that matter for transparent
/// GIFs: it renders transparent pixels as black, and may replace a large screen with the frame's size.
/// </summary>
internal static class GifDecoder
{
    private const int MaxCodes = 4096;

    internal static RgbImage Decode(ReadOnlySpan<byte> data, long maxPixels, DecodeCompat compat = DecodeCompat.Reference)
    {
        if (data.Length < 13)
        {
            throw Truncated("the file ends inside the GIF header");
        }

        int screenWidth = BinaryPrimitives.ReadUInt16LittleEndian(data[6..]);
        int screenHeight = BinaryPrimitives.ReadUInt16LittleEndian(data[8..]);
        var flags = data[10];
        var pos = 13;
        ReadOnlySpan<byte> globalPalette = default;
        if ((flags & 0x80) != 0)
        {
            var size = 3 << ((flags & 7) + 1);
            if (pos + size > data.Length)
            {
                throw Truncated("the file ends inside the global colour table");
            }

            globalPalette = data.Slice(pos, size);
            pos += size;
        }

        int? transparent = null;
        while (true)
        {
            if (pos >= data.Length)
            {
                throw Truncated("the file ends before the first image");
            }

            var block = data[pos++];
            if (block == 0x3B)
            {
                throw new ImageDecodeException(DecodeErrorKind.Corrupt, "corrupt GIF data: the file contains no image");
            }

            if (block == 0x21)
            {
                if (pos >= data.Length)
                {
                    throw Truncated("the file ends inside an extension block");
                }

                var label = data[pos++];
                var first = true;
                while (true)
                {
                    if (pos >= data.Length)
                    {
                        throw Truncated("the file ends inside an extension block");
                    }

                    int length = data[pos++];
                    if (length == 0)
                    {
                        break;
                    }

                    if (pos + length > data.Length)
                    {
                        throw Truncated("the file ends inside an extension block");
                    }

                    if (label == 0xF9 && first && length >= 4)
                    {
                        // Graphic control extension: it applies to the next image; bit 0 = has a transparent index.
                        transparent = (data[pos] & 1) != 0 ? data[pos + 3] : null;
                    }

                    first = false;
                    pos += length;
                }

                continue;
            }

            if (block != 0x2C)
            {
                continue; // Pillow skips bytes it does not recognise between blocks
            }

            return DecodeImage(data, pos, screenWidth, screenHeight, globalPalette, transparent, maxPixels, compat);
        }
    }

    private static RgbImage DecodeImage(ReadOnlySpan<byte> data, int pos, int screenWidth, int screenHeight, ReadOnlySpan<byte> globalPalette, int? transparent, long maxPixels,
        DecodeCompat compat)
    {
        if (pos + 9 > data.Length)
        {
            throw Truncated("the file ends inside the image descriptor");
        }

        int left = BinaryPrimitives.ReadUInt16LittleEndian(data[pos..]);
        int top = BinaryPrimitives.ReadUInt16LittleEndian(data[(pos + 2)..]);
        int frameWidth = BinaryPrimitives.ReadUInt16LittleEndian(data[(pos + 4)..]);
        int frameHeight = BinaryPrimitives.ReadUInt16LittleEndian(data[(pos + 6)..]);
        var flags = data[pos + 8];
        pos += 9;

        var palette = globalPalette;
        if ((flags & 0x80) != 0)
        {
            var size = 3 << ((flags & 7) + 1);
            if (pos + size > data.Length)
            {
                throw Truncated("the file ends inside the local colour table");
            }

            palette = data.Slice(pos, size);
            pos += size;
        }

        // Pillow grows the canvas when the first frame reaches past the logical screen.
        var width = Math.Max(screenWidth, left + frameWidth);
        var height = Math.Max(screenHeight, top + frameHeight);
        if (width == 0 || height == 0)
        {
            throw new ImageDecodeException(DecodeErrorKind.Corrupt, $"corrupt GIF data: invalid dimensions {width}x{height}");
        }

        Limits.CheckPixels(width, height, maxPixels);
        if (pos >= data.Length)
        {
            throw Truncated("the file ends before the image data");
        }

        int minCodeSize = data[pos++];
        if (minCodeSize is < 1 or > 11)
        {
            throw new ImageDecodeException(DecodeErrorKind.Corrupt, $"corrupt GIF data: invalid LZW code size {minCodeSize}");
        }

        var count = width * height;
        var indices = ArrayPool<byte>.Shared.Rent(count);
        try
        {
            var canvas = indices.AsSpan(0, count);
            canvas.Fill((byte)(transparent ?? 0));
            var interlaced = (flags & 0x40) != 0;
            var written = DecodeLzw(data, pos, minCodeSize, canvas, width, left, top, frameWidth, frameHeight, interlaced, out var stoppedBy);

            var image = RgbImage.Allocate(width, height, ImageFormat.Gif);
            var total = (long)frameWidth * frameHeight;
            if (written < total)
            {
                image.Warnings = [$"corrupt GIF data: the first frame's image data {stoppedBy} after {written} of its {total} pixels; the rest is background"];
            }

            var rgb = image.WritablePixels;
            Span<byte> lut = stackalloc byte[256 * 3];
            // python-threatexchange hashes Pillow's mode "P" array, the indices themselves, as grey.
            BuildLookup(compat == DecodeCompat.Pytx ? default : palette, lut);
            for (int i = 0, d = 0; i < count; i++, d += 3)
            {
                var entry = canvas[i] * 3;
                rgb[d] = lut[entry];
                rgb[d + 1] = lut[entry + 1];
                rgb[d + 2] = lut[entry + 2];
            }

            return image;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(indices);
        }
    }

    /// <summary>Index to colour. Without any colour table Pillow reads the frame as greyscale ("L"); indices past the
    /// end of a table are black.</summary>
    private static void BuildLookup(ReadOnlySpan<byte> palette, Span<byte> lut)
    {
        if (palette.IsEmpty)
        {
            for (var i = 0; i < 256; i++)
            {
                lut[3 * i] = lut[(3 * i) + 1] = lut[(3 * i) + 2] = (byte)i;
            }

            return;
        }

        lut.Clear();
        palette[..Math.Min(palette.Length, lut.Length)].CopyTo(lut);
    }

    /// <summary>Standard variable-width LZW over the image's data sub-blocks, writing indices straight into the canvas.</summary>
    /// <returns>How many of the frame's pixels the data gave (all of them unless it stopped early, which
    /// <paramref name="stoppedBy"/> then describes).</returns>
    private static long DecodeLzw(ReadOnlySpan<byte> data, int pos, int minCodeSize, Span<byte> canvas, int canvasWidth,
        int left, int top, int frameWidth, int frameHeight, bool interlaced, out string stoppedBy)
    {
        stoppedBy = string.Empty;
        var total = (long)frameWidth * frameHeight;
        if (total == 0)
        {
            return 0;
        }

        Span<short> prefix = stackalloc short[MaxCodes];
        Span<byte> suffix = stackalloc byte[MaxCodes];
        Span<byte> stack = stackalloc byte[MaxCodes + 1];

        var clear = 1 << minCodeSize;
        var end = clear + 1;
        var next = clear + 2;
        var codeSize = minCodeSize + 1;
        var previous = -1;
        byte firstOfPrevious = 0;

        // Sub-block reader state.
        var blockRemaining = 0;
        var finished = false;
        var bitBuffer = 0;
        var bitCount = 0;

        // Output position within the frame.
        long written = 0;
        int row = 0, column = 0, pass = 0;
        int[] passStart = [0, 4, 2, 1];
        int[] passStep = [8, 8, 4, 2];

        for (var i = 0; i < clear; i++)
        {
            prefix[i] = -1;
            suffix[i] = (byte)i;
        }

        while (written < total)
        {
            // Fill the bit buffer with enough bits for one code.
            while (bitCount < codeSize)
            {
                if (blockRemaining == 0)
                {
                    if (finished || pos >= data.Length)
                    {
                        throw Truncated("the image data ends early");
                    }

                    blockRemaining = data[pos++];
                    if (blockRemaining == 0)
                    {
                        // The data sub-blocks end before all pixels were given (no end code): Pillow keeps what it
                        // has; so do we.
                        stoppedBy = "ends";
                        return written;
                    }
                }

                if (pos >= data.Length)
                {
                    throw Truncated("the image data ends early");
                }

                bitBuffer |= data[pos++] << bitCount;
                bitCount += 8;
                blockRemaining--;
            }

            var code = bitBuffer & ((1 << codeSize) - 1);
            bitBuffer >>= codeSize;
            bitCount -= codeSize;

            if (code == clear)
            {
                next = clear + 2;
                codeSize = minCodeSize + 1;
                previous = -1;
                continue;
            }

            if (code == end)
            {
                // End code before the frame is full: the rest keeps the fill colour, as in Pillow.
                stoppedBy = "has its end code";
                return written;
            }

            int depth;
            if (previous == -1)
            {
                if (code >= clear)
                {
                    throw new ImageDecodeException(DecodeErrorKind.Corrupt, "corrupt GIF data: invalid LZW code");
                }

                stack[0] = (byte)code;
                depth = 1;
                firstOfPrevious = (byte)code;
            }
            else
            {
                if (code > next || (code == next && next >= MaxCodes))
                {
                    throw new ImageDecodeException(DecodeErrorKind.Corrupt, "corrupt GIF data: invalid LZW code");
                }

                // Unwind the string for code (or previous + its first byte for the not-yet-defined code).
                depth = 0;
                var c = code;
                if (code == next)
                {
                    stack[depth++] = firstOfPrevious;
                    c = previous;
                }

                while (c >= clear)
                {
                    if (depth >= MaxCodes)
                    {
                        throw new ImageDecodeException(DecodeErrorKind.Corrupt, "corrupt GIF data: invalid LZW code");
                    }

                    stack[depth++] = suffix[c];
                    c = prefix[c];
                }

                stack[depth++] = (byte)c;
                firstOfPrevious = (byte)c;

                if (next < MaxCodes)
                {
                    prefix[next] = (short)previous;
                    suffix[next] = (byte)c;
                    next++;
                    if (next == 1 << codeSize && codeSize < 12)
                    {
                        codeSize++;
                    }
                }
            }

            previous = code;

            // Emit the string (it is on the stack in reverse order).
            while (depth > 0 && written < total)
            {
                var value = stack[--depth];
                var y = top + row;
                var x = left + column;
                canvas[(y * canvasWidth) + x] = value;
                written++;
                if (++column == frameWidth)
                {
                    column = 0;
                    if (!interlaced)
                    {
                        row++;
                    }
                    else
                    {
                        row += passStep[pass];
                        while (row >= frameHeight && pass < 3)
                        {
                            pass++;
                            row = passStart[pass];
                        }
                    }
                }
            }
        }

        return written;
    }

    private static ImageDecodeException Truncated(string detail) => new(DecodeErrorKind.Truncated, $"truncated GIF data ({detail})");
}
