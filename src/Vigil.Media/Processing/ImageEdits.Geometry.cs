using System.Buffers;

namespace Vigil.Media.Processing;

public static partial class ImageEdits
{
    /// <summary>The <paramref name="width"/> × <paramref name="height"/> rectangle whose top-left pixel is (<paramref name="x"/>, <paramref name="y"/>).</summary>
    /// <param name="image">The picture; unchanged.</param>
    /// <param name="x">Left column of the rectangle, from 0.</param>
    /// <param name="y">Top row of the rectangle, from 0.</param>
    /// <param name="width">Width of the rectangle, at least 1.</param>
    /// <param name="height">Height of the rectangle, at least 1.</param>
    /// <returns>A new image holding exactly those pixels.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The rectangle is empty or does not lie inside the image.</exception>
    public static RgbImage Crop(RgbImage image, int x, int y, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        var outsideAcross = x < 0 || (long)x + width > image.Width;
        if (outsideAcross || y < 0 || (long)y + height > image.Height)
        {
            throw new ArgumentOutOfRangeException(
                outsideAcross ? nameof(x) : nameof(y),
                $"a {width}x{height} crop at ({x}, {y}) does not lie inside the {image.Width}x{image.Height} image");
        }

        var result = NewImage(width, height);
        RgbDrawing.CopyRect(image.Pixels, image.Width, x, y, result.WritablePixels, width, 0, 0, width, height);
        return result;
    }

    /// <summary>
    /// Crops away <paramref name="fraction"/> of each dimension in total: round(fraction × width) columns and
    /// round(fraction × height) rows (halves rounded up), keeping at least one of each.
    /// </summary>
    /// <param name="image">The picture; unchanged.</param>
    /// <param name="fraction">How much of each dimension to remove, at least 0 and less than 1 (0.1 removes a tenth).</param>
    /// <param name="anchor"><see cref="CropAnchor.Centre"/> removes it equally from opposite edges (the odd row or
    /// column from the right or bottom); <see cref="CropAnchor.TopLeft"/> removes it all from the right and bottom.</param>
    /// <returns>A new image holding the kept rectangle.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fraction"/> is outside [0, 1) or
    /// <paramref name="anchor"/> is not a defined value.</exception>
    public static RgbImage CropFraction(RgbImage image, double fraction, CropAnchor anchor)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (!(fraction >= 0 && fraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "the fraction to crop away must be at least 0 and less than 1");
        }

        if (!Enum.IsDefined(anchor))
        {
            throw new ArgumentOutOfRangeException(nameof(anchor), anchor, "unknown crop anchor");
        }

        var (left, width) = KeptSpan(image.Width, fraction, anchor);
        var (top, height) = KeptSpan(image.Height, fraction, anchor);
        return Crop(image, left, top, width, height);
    }

    private static (int Start, int Length) KeptSpan(int length, double fraction, CropAnchor anchor)
    {
        var kept = Math.Max(1, length - FractionOf(length, fraction));
        return (anchor == CropAnchor.Centre ? (length - kept) / 2 : 0, kept);
    }

    /// <summary>
    /// The image shrunk, keeping its shape, to <paramref name="maxSide"/> pixels on its long side, or null when it is no
    /// larger (the caller disposes what it gets).
    /// </summary>
    public static RgbImage? ShrinkToFit(RgbImage image, int maxSide)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSide, 1);
        int side = Math.Max(image.Width, image.Height);
        if (side <= maxSide)
            return null;
        double scale = (double)maxSide / side;
        return Resize(image, Math.Max(1, (int)Math.Round(image.Width * scale)), Math.Max(1, (int)Math.Round(image.Height * scale)));
    }

    /// <summary>
    /// Scales the picture to <paramref name="width"/> × <paramref name="height"/>. Along each axis independently, a
    /// smaller size averages the source area under each output pixel (a box filter, so shrinking does not alias) and
    /// a larger one interpolates linearly between source pixel centres (bilinear, edges clamped); the same size
    /// copies that axis unchanged.
    /// </summary>
    /// <param name="image">The picture; unchanged.</param>
    /// <param name="width">Output width, at least 1.</param>
    /// <param name="height">Output height, at least 1.</param>
    /// <returns>A new image of the requested size.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is not positive or the result is too large.</exception>
    public static RgbImage Resize(RgbImage image, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        CheckCanvasSize(width, height, nameof(width));
        var intermediateLength = (long)width * image.Height * 3;
        if (intermediateLength > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"resizing {image.Width}x{image.Height} to {width}x{height} needs too large a buffer");
        }

        var across = ResampleTaps.For(image.Width, width);
        var down = ResampleTaps.For(image.Height, height);
        var intermediate = ArrayPool<float>.Shared.Rent((int)intermediateLength);
        var sums = ArrayPool<float>.Shared.Rent(width * 3);
        var result = NewImage(width, height);
        try
        {
            ResampleRows(image.Pixels, image.Width, image.Height, across, intermediate.AsSpan(0, (int)intermediateLength), width);
            ResampleColumns(intermediate.AsSpan(0, (int)intermediateLength), width, down, sums.AsSpan(0, width * 3), result.WritablePixels, height);
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
            ArrayPool<float>.Shared.Return(intermediate, clearArray: true);
            ArrayPool<float>.Shared.Return(sums, clearArray: true);
        }
    }

    /// <summary>Resamples every source row to <paramref name="targetWidth"/> pixels, as floats.</summary>
    private static void ResampleRows(ReadOnlySpan<byte> source, int sourceWidth, int sourceHeight, ResampleTaps taps, Span<float> target, int targetWidth)
    {
        var perOutput = taps.TapsPerOutput;
        ReadOnlySpan<int> indices = taps.Indices;
        ReadOnlySpan<float> weights = taps.Weights;
        for (var y = 0; y < sourceHeight; y++)
        {
            var sourceRow = source.Slice(y * sourceWidth * 3, sourceWidth * 3);
            var targetRow = target.Slice(y * targetWidth * 3, targetWidth * 3);
            for (var x = 0; x < targetWidth; x++)
            {
                float r = 0, g = 0, b = 0;
                var at = x * perOutput;
                for (var k = 0; k < perOutput; k++)
                {
                    var weight = weights[at + k];
                    var i = indices[at + k] * 3;
                    r += weight * sourceRow[i];
                    g += weight * sourceRow[i + 1];
                    b += weight * sourceRow[i + 2];
                }

                targetRow[3 * x] = r;
                targetRow[(3 * x) + 1] = g;
                targetRow[(3 * x) + 2] = b;
            }
        }
    }

    /// <summary>Resamples the row-resampled image down its columns to <paramref name="targetHeight"/> rows of bytes.</summary>
    private static void ResampleColumns(ReadOnlySpan<float> rows, int width, ResampleTaps taps, Span<float> sums, Span<byte> target, int targetHeight)
    {
        var rowLength = width * 3;
        var perOutput = taps.TapsPerOutput;
        for (var y = 0; y < targetHeight; y++)
        {
            sums.Clear();
            for (var k = 0; k < perOutput; k++)
            {
                var weight = taps.Weights[(y * perOutput) + k];
                if (weight == 0)
                {
                    continue;
                }

                var row = rows.Slice(taps.Indices[(y * perOutput) + k] * rowLength, rowLength);
                for (var i = 0; i < rowLength; i++)
                {
                    sums[i] += weight * row[i];
                }
            }

            var targetRow = target.Slice(y * rowLength, rowLength);
            for (var i = 0; i < rowLength; i++)
            {
                targetRow[i] = ClampToByte(sums[i]);
            }
        }
    }

    /// <summary>Turns the picture clockwise by a whole number of quarter turns, exactly (no resampling).</summary>
    /// <param name="image">The picture; unchanged.</param>
    /// <param name="quarterTurns">Clockwise quarter turns: 1 is 90°, 2 is 180°, 3 is 270°; any integer is taken
    /// modulo 4 (0 copies, -1 is a quarter turn anticlockwise).</param>
    /// <returns>A new image, with width and height swapped for odd turns.</returns>
    public static RgbImage Rotate90(RgbImage image, int quarterTurns)
    {
        ArgumentNullException.ThrowIfNull(image);
        // The EXIF orientations that display a stored image turned 90°, 180° and 270° clockwise.
        var orientation = (((quarterTurns % 4) + 4) % 4) switch
        {
            1 => 6,
            2 => 3,
            3 => 8,
            _ => 1,
        };
        return Transformed(image, orientation);
    }

    /// <summary>Mirrors the picture left to right (column x becomes column width - 1 - x).</summary>
    /// <param name="image">The picture; unchanged.</param>
    /// <returns>A new image of the same size.</returns>
    public static RgbImage MirrorHorizontal(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Transformed(image, orientation: 2);
    }

    private static RgbImage Transformed(RgbImage image, int orientation)
    {
        var swap = orientation >= 5;
        var result = NewImage(swap ? image.Height : image.Width, swap ? image.Width : image.Height);
        Orientation.Transform(image.Pixels, image.Width, image.Height, result.WritablePixels, orientation);
        return result;
    }

    /// <summary>
    /// Turns the picture clockwise by <paramref name="degrees"/> about its centre, as a re-uploader straightening
    /// (or tilting) a photo does: the output has the input's size, each output pixel is the bilinear sample of the
    /// source at the point that turns onto its centre, and output pixels whose point falls outside the source are
    /// <paramref name="fill"/> (the corners, and the edges of a tall or wide image turned near 90°). Multiples of 90°
    /// sample pixel centres exactly.
    /// </summary>
    /// <param name="image">The picture; unchanged.</param>
    /// <param name="degrees">Clockwise angle in degrees, any finite value (negative turns anticlockwise).</param>
    /// <param name="fill">The colour of the uncovered area.</param>
    /// <returns>A new image of the same size.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="degrees"/> is not finite.</exception>
    public static RgbImage Rotate(RgbImage image, double degrees, Rgb fill) => Turn(image, degrees, fill, extendEdges: false);

    /// <summary>
    /// Turns the picture as <see cref="Rotate(RgbImage, double, Rgb)"/> does, but an output pixel whose point falls
    /// outside the source takes the nearest edge pixel's colour instead of a fill: what turning a tilted copy back
    /// upright wants, since the parts its canvas cut off are then continued from the picture beside them rather than
    /// painted one colour (which PDQ sees as strong new edges).
    /// </summary>
    /// <param name="image">The picture; unchanged.</param>
    /// <param name="degrees">Clockwise angle in degrees, any finite value (negative turns anticlockwise).</param>
    /// <returns>A new image of the same size.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="degrees"/> is not finite.</exception>
    public static RgbImage RotateExtendingEdges(RgbImage image, double degrees) => Turn(image, degrees, default, extendEdges: true);

    private static RgbImage Turn(RgbImage image, double degrees, Rgb fill, bool extendEdges)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (!double.IsFinite(degrees))
        {
            throw new ArgumentOutOfRangeException(nameof(degrees), degrees, "the angle must be a finite number of degrees");
        }

        var (sin, cos) = SinCosDegrees(degrees);
        int width = image.Width, height = image.Height;
        double centreX = width / 2.0, centreY = height / 2.0;
        var source = image.Pixels;
        var result = NewImage(width, height);
        var target = result.WritablePixels;
        for (var y = 0; y < height; y++)
        {
            var dy = y + 0.5 - centreY;
            var row = target.Slice(y * width * 3, width * 3);
            for (var x = 0; x < width; x++)
            {
                // The inverse (anticlockwise) turn of this pixel's centre gives where in the source it comes from.
                var dx = x + 0.5 - centreX;
                var sourceX = centreX + (dx * cos) + (dy * sin);
                var sourceY = centreY - (dx * sin) + (dy * cos);
                var pixel = row.Slice(3 * x, 3);
                if (!extendEdges && (sourceX < 0 || sourceY < 0 || sourceX >= width || sourceY >= height))
                {
                    pixel[0] = fill.R;
                    pixel[1] = fill.G;
                    pixel[2] = fill.B;
                }
                else
                {
                    SampleBilinear(source, width, height, sourceX - 0.5, sourceY - 0.5, pixel);
                }
            }
        }

        return result;
    }

    private static (double Sin, double Cos) SinCosDegrees(double degrees)
    {
        var turn = degrees % 360;
        if (turn < 0)
        {
            turn += 360;
        }

        // Exact values for quarter turns: Math.Cos(Math.PI / 2) is 6e-17, which would blur them by resampling.
        return turn switch
        {
            0 => (0, 1),
            90 => (1, 0),
            180 => (0, -1),
            270 => (-1, 0),
            _ => Math.SinCos(turn * Math.PI / 180),
        };
    }

    /// <summary>Interpolates the pixel at pixel-centre coordinates (<paramref name="u"/>, <paramref name="v"/>), clamped to the image.</summary>
    private static void SampleBilinear(ReadOnlySpan<byte> source, int width, int height, double u, double v, Span<byte> pixel)
    {
        u = Math.Clamp(u, 0, width - 1);
        v = Math.Clamp(v, 0, height - 1);
        var x0 = (int)u;
        var y0 = (int)v;
        var fx = u - x0;
        var fy = v - y0;
        var x1 = Math.Min(x0 + 1, width - 1);
        var y1 = Math.Min(y0 + 1, height - 1);
        int topLeft = ((y0 * width) + x0) * 3, topRight = ((y0 * width) + x1) * 3;
        int bottomLeft = ((y1 * width) + x0) * 3, bottomRight = ((y1 * width) + x1) * 3;
        for (var c = 0; c < 3; c++)
        {
            double top = source[topLeft + c] + ((source[topRight + c] - source[topLeft + c]) * fx);
            double bottom = source[bottomLeft + c] + ((source[bottomRight + c] - source[bottomLeft + c]) * fx);
            pixel[c] = ClampToByte(top + ((bottom - top) * fy));
        }
    }
}
