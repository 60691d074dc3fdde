using System.Buffers;

namespace Vigil.Media.Processing;

public static partial class ImageEdits
{
    /// <summary>The largest <see cref="BoxBlur"/> radius; its window sums then still fit in 32 bits.</summary>
    public const int MaxBlurRadius = 1 << 20;

    /// <summary>Adds <paramref name="delta"/> to every channel of every pixel, clamped to 0..255.</summary>
    /// <param name="image">The picture; unchanged.</param>
    /// <param name="delta">The amount to add; negative darkens.</param>
    /// <returns>A new image of the same size.</returns>
    public static RgbImage AdjustBrightness(RgbImage image, int delta)
    {
        ArgumentNullException.ThrowIfNull(image);
        Span<byte> table = stackalloc byte[256];
        for (var value = 0; value < 256; value++)
        {
            table[value] = (byte)Math.Clamp(value + (long)delta, 0, 255);
        }

        return Mapped(image, table);
    }

    /// <summary>
    /// Scales every channel's distance from mid-grey: v' = 128 + (v - 128) × <paramref name="factor"/>, rounded and
    /// clamped to 0..255.
    /// </summary>
    /// <param name="image">The picture; unchanged.</param>
    /// <param name="factor">Above 1 raises contrast, below 1 lowers it, 0 gives flat grey (128); at least 0.</param>
    /// <returns>A new image of the same size.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="factor"/> is negative or not finite.</exception>
    public static RgbImage AdjustContrast(RgbImage image, double factor)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (!(factor >= 0 && double.IsFinite(factor)))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "the contrast factor must be a finite number, at least 0");
        }

        Span<byte> table = stackalloc byte[256];
        for (var value = 0; value < 256; value++)
        {
            table[value] = ClampToByte(128 + ((value - 128) * factor));
        }

        return Mapped(image, table);
    }

    private static RgbImage Mapped(RgbImage image, ReadOnlySpan<byte> table)
    {
        var result = NewImage(image.Width, image.Height);
        var source = image.Pixels;
        var target = result.WritablePixels;
        for (var i = 0; i < source.Length; i++)
        {
            target[i] = table[source[i]];
        }

        return result;
    }

    /// <summary>
    /// Replaces each pixel by its Rec. 601 luma, 0.299 R + 0.587 G + 0.114 B (rounded), in all three channels: the
    /// picture stays RGB, as a greyscale re-upload decoded to RGB is.
    /// </summary>
    /// <param name="image">The picture; unchanged.</param>
    /// <returns>A new image of the same size.</returns>
    public static RgbImage Greyscale(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var result = NewImage(image.Width, image.Height);
        var source = image.Pixels;
        var target = result.WritablePixels;
        for (var i = 0; i < source.Length; i += 3)
        {
            var luma = (byte)(((299 * source[i]) + (587 * source[i + 1]) + (114 * source[i + 2]) + 500) / 1000);
            target[i] = luma;
            target[i + 1] = luma;
            target[i + 2] = luma;
        }

        return result;
    }

    /// <summary>
    /// Averages each pixel with its neighbours in a (2 × <paramref name="radius"/> + 1)² square, computed as a
    /// horizontal then a vertical running mean; outside the picture the nearest edge pixel repeats. Rounded once, at
    /// the end.
    /// </summary>
    /// <param name="image">The picture; unchanged.</param>
    /// <param name="radius">Pixels on each side of the centre, 0 (a copy) to <see cref="MaxBlurRadius"/>.</param>
    /// <returns>A new image of the same size.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="radius"/> is negative or too large.</exception>
    public static RgbImage BoxBlur(RgbImage image, int radius)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegative(radius);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(radius, MaxBlurRadius);
        if (radius == 0)
        {
            return Copy(image);
        }

        int width = image.Width, height = image.Height, rowLength = image.Width * 3;
        var rowSums = ArrayPool<int>.Shared.Rent(rowLength * height);
        var windowSums = ArrayPool<long>.Shared.Rent(rowLength);
        var result = NewImage(width, height);
        try
        {
            SumRowWindows(image.Pixels, width, height, radius, rowSums.AsSpan(0, rowLength * height));
            AverageColumnWindows(rowSums.AsSpan(0, rowLength * height), rowLength, height, radius, windowSums.AsSpan(0, rowLength), result.WritablePixels);
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
        finally
        {
            // The pixels may be someone's media: do not leave them in a shared pool.
            ArrayPool<int>.Shared.Return(rowSums, clearArray: true);
            ArrayPool<long>.Shared.Return(windowSums, clearArray: true);
        }
    }

    /// <summary>For every pixel and channel, the sum of the 2r + 1 values centred on it along its row (edges repeated).</summary>
    private static void SumRowWindows(ReadOnlySpan<byte> source, int width, int height, int radius, Span<int> sums)
    {
        var last = width - 1;
        for (var y = 0; y < height; y++)
        {
            var row = source.Slice(y * width * 3, width * 3);
            var rowSums = sums.Slice(y * width * 3, width * 3);
            for (var c = 0; c < 3; c++)
            {
                // The window of pixel 0: the edge pixel r + 1 times, then pixels 1..r (clamped to the last one).
                var sum = (radius + 1) * row[c];
                var inside = Math.Min(radius, last);
                for (var k = 1; k <= inside; k++)
                {
                    sum += row[(3 * k) + c];
                }

                sum += (radius - inside) * row[(3 * last) + c];
                for (var x = 0; x < width; x++)
                {
                    rowSums[(3 * x) + c] = sum;
                    sum += row[(3 * Math.Min(x + radius + 1, last)) + c] - row[(3 * Math.Max(x - radius, 0)) + c];
                }
            }
        }
    }

    /// <summary>Sums <paramref name="rowSums"/> over 2r + 1 rows (edges repeated) and writes the rounded means.</summary>
    private static void AverageColumnWindows(ReadOnlySpan<int> rowSums, int rowLength, int height, int radius, Span<long> window, Span<byte> target)
    {
        var last = height - 1;
        long area = ((2L * radius) + 1) * ((2L * radius) + 1);
        var inside = Math.Min(radius, last);
        var first = rowSums[..rowLength];
        var lastRow = rowSums.Slice(last * rowLength, rowLength);
        for (var i = 0; i < rowLength; i++)
        {
            window[i] = ((radius + 1L) * first[i]) + ((long)(radius - inside) * lastRow[i]);
        }

        for (var k = 1; k <= inside; k++)
        {
            var row = rowSums.Slice(k * rowLength, rowLength);
            for (var i = 0; i < rowLength; i++)
            {
                window[i] += row[i];
            }
        }

        for (var y = 0; y <= last; y++)
        {
            var targetRow = target.Slice(y * rowLength, rowLength);
            var entering = rowSums.Slice(Math.Min(y + radius + 1, last) * rowLength, rowLength);
            var leaving = rowSums.Slice(Math.Max(y - radius, 0) * rowLength, rowLength);
            for (var i = 0; i < rowLength; i++)
            {
                targetRow[i] = (byte)((window[i] + (area / 2)) / area);
                window[i] += entering[i] - leaving[i];
            }
        }
    }

    /// <summary>
    /// Adds independent Gaussian noise of standard deviation <paramref name="sigma"/> to every channel of every pixel
    /// (rounded, clamped to 0..255), drawn by the Box–Muller method from <c>new System.Random(seed)</c>: the same seed
    /// gives the same bytes (with the same .NET runtime's <see cref="Random"/> and maths library).
    /// </summary>
    /// <param name="image">The picture; unchanged.</param>
    /// <param name="sigma">Standard deviation in 0..255 units, at least 0 (0 copies).</param>
    /// <param name="seed">Seed of the random numbers.</param>
    /// <returns>A new image of the same size.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sigma"/> is negative or not finite.</exception>
    public static RgbImage AddNoise(RgbImage image, double sigma, int seed)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (!(sigma >= 0 && double.IsFinite(sigma)))
        {
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "the noise's standard deviation must be a finite number, at least 0");
        }

        var random = new Random(seed);
        var result = NewImage(image.Width, image.Height);
        var source = image.Pixels;
        var target = result.WritablePixels;
        var i = 0;
        while (i < source.Length)
        {
            // Box–Muller: two uniform numbers give two independent standard normal ones. 1 - NextDouble() is in
            // (0, 1], so the logarithm is finite.
            var magnitude = sigma * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble()));
            var (sin, cos) = Math.SinCos(2 * Math.PI * random.NextDouble());
            target[i] = ClampToByte(source[i] + (magnitude * cos));
            i++;
            if (i < source.Length)
            {
                target[i] = ClampToByte(source[i] + (magnitude * sin));
                i++;
            }
        }

        return result;
    }
}
