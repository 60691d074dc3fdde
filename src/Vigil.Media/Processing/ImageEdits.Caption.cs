using System.Buffers;

namespace Vigil.Media.Processing;

public static partial class ImageEdits
{
    /// <summary>
    /// Burns in a meme-style caption: one line of white text with a black outline, centred across the top or the
    /// bottom of the picture, in <see cref="BitmapFont"/> scaled up to about an eighth of the picture's height (made
    /// bolder by widening its strokes by a quarter of the scale). The outline is half the scale wide (at least one
    /// pixel) and keeps a gap of height / 40 rows (at least one) from the picture's edge. Text too wide for the picture
    /// is drawn smaller, down to the font's own size, and beyond that clipped at both sides. Only the caption band
    /// (the text's rows and its outline) changes.
    /// </summary>
    /// <param name="image">The picture; unchanged.</param>
    /// <param name="text">The caption, drawn as given (characters outside printable ASCII as '?'); empty copies the picture.</param>
    /// <param name="position">Top or bottom.</param>
    /// <returns>A new image of the same size.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="position"/> is not a defined value.</exception>
    public static RgbImage DrawCaption(RgbImage image, string text, CaptionPosition position)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(text);
        if (!Enum.IsDefined(position))
        {
            throw new ArgumentOutOfRangeException(nameof(position), position, "unknown caption position");
        }

        var result = Copy(image);
        if (text.Length == 0)
        {
            return result;
        }

        int width = image.Width, height = image.Height;
        var gap = Math.Max(1, height / 40);
        var scale = Math.Max(1, (int)Math.Round(height / 8.0 / BitmapFont.GlyphHeight, MidpointRounding.AwayFromZero));
        while (scale > 1 && InkWidth(text.Length, scale) + (2L * OutlineWidth(scale)) > width - (2L * gap))
        {
            scale--;
        }

        var outline = OutlineWidth(scale);
        var bandHeight = (BitmapFont.GlyphHeight * scale) + (2 * outline);
        var bandTop = position == CaptionPosition.Top ? gap : height - gap - bandHeight;
        var textLeft = (int)((width - InkWidth(text.Length, scale)) / 2);
        var bandLength = width * bandHeight;
        var ink = ArrayPool<byte>.Shared.Rent(bandLength);
        var scratch = ArrayPool<byte>.Shared.Rent(bandLength);
        var halo = ArrayPool<byte>.Shared.Rent(bandLength);
        var counts = ArrayPool<int>.Shared.Rent(width);
        try
        {
            var inkMask = ink.AsSpan(0, bandLength);
            var scratchMask = scratch.AsSpan(0, bandLength);
            var haloMask = halo.AsSpan(0, bandLength);
            inkMask.Clear();
            BitmapFont.DrawMask(inkMask, width, bandHeight, textLeft, outline, text, scale);
            var bold = scale / 4;
            if (bold > 0)
            {
                DilateRows(inkMask, scratchMask, width, bandHeight, before: bold, after: 0);
                scratchMask.CopyTo(inkMask);
            }

            DilateRows(inkMask, scratchMask, width, bandHeight, before: outline, after: outline);
            DilateColumns(scratchMask, haloMask, width, bandHeight, outline, counts.AsSpan(0, width));
            PaintCaption(result.WritablePixels, width, height, bandTop, inkMask, haloMask, bandHeight);
        }
        catch
        {
            result.Dispose();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(ink);
            ArrayPool<byte>.Shared.Return(scratch);
            ArrayPool<byte>.Shared.Return(halo);
            ArrayPool<int>.Shared.Return(counts);
        }

        return result;
    }

    /// <summary>Pixels from the first glyph's left edge to the last glyph's right edge, bold strokes included.</summary>
    private static long InkWidth(int characters, int scale) =>
        ((long)characters * BitmapFont.Advance * scale) - scale + (scale / 4);

    private static int OutlineWidth(int scale) => Math.Max(1, scale / 2);

    /// <summary>White where <paramref name="ink"/> is set, else black where <paramref name="halo"/> is; rows outside the picture are skipped.</summary>
    private static void PaintCaption(Span<byte> rgb, int width, int height, int bandTop, ReadOnlySpan<byte> ink, ReadOnlySpan<byte> halo, int bandHeight)
    {
        for (var row = 0; row < bandHeight; row++)
        {
            var y = bandTop + row;
            if (y < 0 || y >= height)
            {
                continue;
            }

            var pixels = rgb.Slice(y * width * 3, width * 3);
            for (var x = 0; x < width; x++)
            {
                var mask = (row * width) + x;
                if (ink[mask] != 0)
                {
                    pixels.Slice(3 * x, 3).Fill(255);
                }
                else if (halo[mask] != 0)
                {
                    pixels.Slice(3 * x, 3).Clear();
                }
            }
        }
    }

    /// <summary>Sets each target pixel whose row has a set source pixel from <paramref name="before"/> columns left to <paramref name="after"/> columns right of it.</summary>
    private static void DilateRows(ReadOnlySpan<byte> source, Span<byte> target, int width, int rows, int before, int after)
    {
        for (var y = 0; y < rows; y++)
        {
            var from = source.Slice(y * width, width);
            var to = target.Slice(y * width, width);
            // A running count of set pixels in the window [x - before, x + after].
            var count = 0;
            for (var x = 0; x < Math.Min(after, width); x++)
            {
                count += from[x];
            }

            for (var x = 0; x < width; x++)
            {
                if (x + after < width)
                {
                    count += from[x + after];
                }

                to[x] = count > 0 ? (byte)1 : (byte)0;
                if (x - before >= 0)
                {
                    count -= from[x - before];
                }
            }
        }
    }

    /// <summary>Sets each target pixel with a set source pixel up to <paramref name="reach"/> rows above or below it.</summary>
    private static void DilateColumns(ReadOnlySpan<byte> source, Span<byte> target, int width, int rows, int reach, Span<int> counts)
    {
        counts.Clear();
        for (var y = 0; y < Math.Min(reach, rows); y++)
        {
            var from = source.Slice(y * width, width);
            for (var x = 0; x < width; x++)
            {
                counts[x] += from[x];
            }
        }

        for (var y = 0; y < rows; y++)
        {
            if (y + reach < rows)
            {
                var entering = source.Slice((y + reach) * width, width);
                for (var x = 0; x < width; x++)
                {
                    counts[x] += entering[x];
                }
            }

            var to = target.Slice(y * width, width);
            for (var x = 0; x < width; x++)
            {
                to[x] = counts[x] > 0 ? (byte)1 : (byte)0;
            }

            if (y - reach >= 0)
            {
                var leaving = source.Slice((y - reach) * width, width);
                for (var x = 0; x < width; x++)
                {
                    counts[x] -= leaving[x];
                }
            }
        }
    }
}
