namespace Vigil.Media;

/// <summary>Applies an EXIF orientation (1..8) to RGB pixels, as Pillow's <c>ImageOps.exif_transpose</c> does.</summary>
internal static class Orientation
{
    /// <summary>
    /// Returns the image turned upright for the given EXIF orientation; for 1 (or an invalid value) returns
    /// <paramref name="image"/> itself, otherwise a new image, and disposes <paramref name="image"/>.
    /// </summary>
    internal static RgbImage Apply(RgbImage image, int orientation)
    {
        if (orientation is < 2 or > 8)
        {
            return image;
        }

        try
        {
            var w = image.Width;
            var h = image.Height;
            var swap = orientation >= 5;
            var result = RgbImage.Allocate(swap ? h : w, swap ? w : h, image.SourceFormat);
            result.Warnings = image.Warnings;
            try
            {
                Transform(image.Pixels, w, h, result.WritablePixels, orientation);
            }
            catch
            {
                result.Dispose();
                throw;
            }

            return result;
        }
        finally
        {
            image.Dispose();
        }
    }

    /// <summary>
    /// Writes the transformed image. Output pixel (x', y') is source pixel (sx, sy) with sx = ax*x' + bx*y' + cx and
    /// sy = ay*x' + by*y' + cy; each case below gives those coefficients.
    /// </summary>
    internal static void Transform(ReadOnlySpan<byte> src, int w, int h, Span<byte> dst, int orientation)
    {
        var (ax, bx, cx, ay, by, cy) = orientation switch
        {
            2 => (-1, 0, w - 1, 0, 1, 0),          // mirror left-right
            3 => (-1, 0, w - 1, 0, -1, h - 1),     // rotate 180
            4 => (1, 0, 0, 0, -1, h - 1),          // mirror top-bottom
            5 => (0, 1, 0, 1, 0, 0),               // transpose
            6 => (0, 1, 0, -1, 0, h - 1),          // rotate 90 clockwise
            7 => (0, -1, w - 1, -1, 0, h - 1),     // transverse
            8 => (0, -1, w - 1, 1, 0, 0),          // rotate 90 counter-clockwise
            _ => (1, 0, 0, 0, 1, 0),
        };

        var outW = orientation >= 5 ? h : w;
        var outH = orientation >= 5 ? w : h;
        var step = ((long)ay * w + ax) * 3; // source byte step for x' + 1
        for (var y = 0; y < outH; y++)
        {
            var sx = bx * y + cx;
            var sy = by * y + cy;
            var s = ((long)sy * w + sx) * 3;
            var d = (long)y * outW * 3;
            var row = dst.Slice((int)d, outW * 3);
            if (step == 3)
            {
                src.Slice((int)s, outW * 3).CopyTo(row);
                continue;
            }

            for (var x = 0; x < row.Length; x += 3, s += step)
            {
                var i = (int)s;
                row[x] = src[i];
                row[x + 1] = src[i + 1];
                row[x + 2] = src[i + 2];
            }
        }
    }
}
