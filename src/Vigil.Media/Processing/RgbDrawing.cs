namespace Vigil.Media.Processing;

/// <summary>Filling and copying rectangles of packed RGB pixels (3 bytes a pixel, rows without padding).</summary>
internal static class RgbDrawing
{
    /// <summary>Sets every pixel of <paramref name="row"/> (a whole number of pixels) to <paramref name="colour"/>.</summary>
    internal static void Fill(Span<byte> row, Rgb colour)
    {
        if (row.IsEmpty)
        {
            return;
        }

        row[0] = colour.R;
        row[1] = colour.G;
        row[2] = colour.B;
        var filled = 3;
        while (filled < row.Length)
        {
            var count = Math.Min(filled, row.Length - filled);
            row[..count].CopyTo(row[filled..]);
            filled += count;
        }
    }

    /// <summary>Fills a rectangle, clipped to the image (so it may start at negative coordinates or overhang).</summary>
    internal static void FillRect(Span<byte> rgb, int imageWidth, int imageHeight, int x, int y, int width, int height, Rgb colour)
    {
        var left = Math.Max(x, 0);
        var top = Math.Max(y, 0);
        var right = (int)Math.Min((long)x + width, imageWidth);
        var bottom = (int)Math.Min((long)y + height, imageHeight);
        if (left >= right || top >= bottom)
        {
            return;
        }

        var stride = imageWidth * 3;
        var first = rgb.Slice((top * stride) + (left * 3), (right - left) * 3);
        Fill(first, colour);
        for (var row = top + 1; row < bottom; row++)
        {
            first.CopyTo(rgb[((row * stride) + (left * 3))..]);
        }
    }

    /// <summary>Copies a <paramref name="width"/> × <paramref name="height"/> block; both rectangles must lie inside their images.</summary>
    internal static void CopyRect(
        ReadOnlySpan<byte> source, int sourceWidth, int sourceX, int sourceY,
        Span<byte> target, int targetWidth, int targetX, int targetY, int width, int height)
    {
        var rowBytes = width * 3;
        for (var row = 0; row < height; row++)
        {
            source.Slice((((sourceY + row) * sourceWidth) + sourceX) * 3, rowBytes)
                .CopyTo(target.Slice((((targetY + row) * targetWidth) + targetX) * 3, rowBytes));
        }
    }
}
