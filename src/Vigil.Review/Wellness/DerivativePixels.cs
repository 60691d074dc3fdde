using System.Buffers;

namespace Vigil.Review.Wellness;

/// <summary>The pixel work behind the derivatives: shrinking, greyscale and a three-pass box blur, on packed 8-bit samples.</summary>
internal static class DerivativePixels
{
    /// <summary>The size that fits <paramref name="width"/>×<paramref name="height"/> within <paramref name="maxSide"/> on its longest side (never larger than it was).</summary>
    public static (int Width, int Height) FitWithin(int width, int height, int maxSide)
    {
        int longest = Math.Max(width, height);
        if (longest <= maxSide)
            return (width, height);
        double scale = (double)maxSide / longest;
        return (Math.Clamp((int)Math.Round(width * scale), 1, maxSide), Math.Clamp((int)Math.Round(height * scale), 1, maxSide));
    }

    /// <summary>
    /// Resamples <paramref name="source"/> (<paramref name="channels"/> bytes per pixel) to <paramref name="destination"/>
    /// by averaging the source pixels each destination pixel covers (a box filter; at least one source pixel, so
    /// enlarging repeats pixels). Rows first, then columns.
    /// </summary>
    public static void Resample(ReadOnlySpan<byte> source, int sourceWidth, int sourceHeight, Span<byte> destination, int width, int height, int channels)
    {
        if (sourceWidth == width && sourceHeight == height)
        {
            source[..(width * height * channels)].CopyTo(destination);
            return;
        }
        // Pass 1: each source row shrunk to `width` columns, as 8.8 fixed point to keep the rounding to the end.
        var rows = ArrayPool<ushort>.Shared.Rent(width * sourceHeight * channels);
        try
        {
            for (int y = 0; y < sourceHeight; y++)
            {
                var row = source.Slice(y * sourceWidth * channels, sourceWidth * channels);
                var output = rows.AsSpan(y * width * channels, width * channels);
                for (int x = 0; x < width; x++)
                {
                    var (x0, x1) = Span(x, width, sourceWidth);
                    int count = x1 - x0;
                    for (int c = 0; c < channels; c++)
                    {
                        long sum = 0;
                        for (int sx = x0; sx < x1; sx++)
                            sum += row[sx * channels + c];
                        output[x * channels + c] = (ushort)((sum * 256 + count / 2) / count);
                    }
                }
            }
            // Pass 2: columns, summing whole rows so memory is read in order.
            int stride = width * channels;
            var sums = ArrayPool<long>.Shared.Rent(stride);
            try
            {
                var acc = sums.AsSpan(0, stride);
                for (int y = 0; y < height; y++)
                {
                    var (y0, y1) = Span(y, height, sourceHeight);
                    long count = y1 - y0;
                    acc.Clear();
                    for (int sy = y0; sy < y1; sy++)
                    {
                        var row = rows.AsSpan(sy * stride, stride);
                        for (int i = 0; i < stride; i++)
                            acc[i] += row[i];
                    }
                    var output = destination.Slice(y * stride, stride);
                    for (int i = 0; i < stride; i++)
                        output[i] = (byte)Math.Min(255, (acc[i] + count * 128) / (count * 256));
                }
            }
            finally
            {
                ArrayPool<long>.Shared.Return(sums);
            }
        }
        finally
        {
            ArrayPool<ushort>.Shared.Return(rows, clearArray: true);
        }
    }

    /// <summary>The source range [start, end) destination index <paramref name="i"/> of <paramref name="count"/> covers in <paramref name="sourceCount"/>.</summary>
    private static (int Start, int End) Span(int i, int count, int sourceCount)
    {
        int start = (int)((long)i * sourceCount / count);
        int end = (int)((long)(i + 1) * sourceCount / count);
        if (end <= start)
            end = Math.Min(start + 1, sourceCount);
        return (start, end);
    }

    /// <summary>BT.601 luma of each RGB pixel of <paramref name="rgb"/> into <paramref name="grey"/> (one byte per pixel).</summary>
    public static void ToGrey(ReadOnlySpan<byte> rgb, Span<byte> grey)
    {
        for (int i = 0, j = 0; j < grey.Length; i += 3, j++)
            grey[j] = (byte)((77 * rgb[i] + 150 * rgb[i + 1] + 29 * rgb[i + 2] + 128) >> 8);
    }

    /// <summary>
    /// Blurs <paramref name="pixels"/> in place with three box passes of <paramref name="radius"/> in each direction
    /// (edges clamped): close to a Gaussian of standard deviation sqrt(radius² + radius). Each pass is a running
    /// sum, so the cost does not grow with the radius; the passes keep 8 fractional bits and round once at the end,
    /// so the result has no rounding noise of its own.
    /// </summary>
    public static void BoxBlur(Span<byte> pixels, int width, int height, int channels, int radius)
    {
        int length = width * height * channels;
        var first = ArrayPool<ushort>.Shared.Rent(length);
        var second = ArrayPool<ushort>.Shared.Rent(length);
        try
        {
            var a = first.AsSpan(0, length);
            var b = second.AsSpan(0, length);
            for (int i = 0; i < length; i++)
                a[i] = (ushort)(pixels[i] << 8);
            for (int pass = 0; pass < 3; pass++)
            {
                // Rows: a -> b; columns: b -> a.
                for (int y = 0; y < height; y++)
                    for (int c = 0; c < channels; c++)
                        BlurLine(a, b, y * width * channels + c, channels, width, radius);
                for (int x = 0; x < width; x++)
                    for (int c = 0; c < channels; c++)
                        BlurLine(b, a, x * channels + c, width * channels, height, radius);
            }
            for (int i = 0; i < length; i++)
                pixels[i] = (byte)((a[i] + 128) >> 8);
        }
        finally
        {
            ArrayPool<ushort>.Shared.Return(first, clearArray: true);
            ArrayPool<ushort>.Shared.Return(second, clearArray: true);
        }
    }

    /// <summary>One box pass over the <paramref name="count"/> samples at <paramref name="start"/> + k × <paramref name="step"/>.</summary>
    private static void BlurLine(ReadOnlySpan<ushort> source, Span<ushort> destination, int start, int step, int count, int radius)
    {
        int window = 2 * radius + 1;
        int half = window / 2;
        int last = count - 1;
        int sum = 0;
        for (int k = -radius; k <= radius; k++)
            sum += source[start + Math.Clamp(k, 0, last) * step];
        for (int i = 0; i < count; i++)
        {
            destination[start + i * step] = (ushort)((sum + half) / window);
            int enter = Math.Min(i + radius + 1, last);
            int leave = Math.Max(i - radius, 0);
            sum += source[start + enter * step] - source[start + leave * step];
        }
    }
}
