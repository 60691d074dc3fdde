namespace Vigil.Media.Processing;

/// <summary>
/// Finds the small angle a picture was turned by inside a canvas of its own size whose corners were filled with one
/// plain colour (what an editor's "rotate" leaves: four triangles of black or white at the corners), so that the
/// picture can be turned back and hashed as it was.
/// </summary>
/// <remarks>
/// <para>Each corner's triangle has a leg along the top or bottom row and one along the side column; their ratio is the
/// tangent of the angle (to within a pixel of the shorter leg: about 0.1 degree on a 1024-pixel picture, up to a degree
/// on a 256-pixel one), and which leg is the longer says the direction (a clockwise turn leaves the top-left and
/// bottom-right triangles taller than wide, the other two wider than tall). Legs are measured one pixel in from the
/// edge (a scaler's edge line or JPEG's ringing on the very border does not cut them short), as the run of pixels
/// within <see cref="Tolerance"/> of the corner's colour.</para>
/// <para>The answer is trusted only when the corners agree: all four of the fill colour, and at least three of them
/// triangles (half-way along the longer leg the fill reaches about half the shorter leg) of the same direction with
/// angles within <see cref="MaxSpread"/> of their median; so a dark vignette or a black sky in a corner is not taken
/// for a turn, and one dark corner of a turned picture does not hide it.</para>
/// </remarks>
public static class FilledRotationFinder
{
    /// <summary>Largest difference (any of R, G, B) between a fill pixel and the corner's colour.</summary>
    public const int Tolerance = 24;

    /// <summary>Smallest angle found, in degrees: below it the corner triangles are a pixel or two, and hashing agrees anyway.</summary>
    public const double MinDegrees = 0.5;

    /// <summary>Largest angle found, in degrees.</summary>
    public const double MaxDegrees = 20;

    /// <summary>Largest spread, in degrees, between a corner's angle and the median of the four.</summary>
    public const double MaxSpread = 1.5;

    /// <summary>
    /// The angle, in degrees (positive clockwise, as <see cref="ImageEdits.Rotate"/> takes it), the picture inside
    /// <paramref name="image"/> was turned by, and the fill colour of its corners; null when the corners are not four
    /// plain triangles that agree on one small angle.
    /// </summary>
    public static (double Degrees, Rgb Fill)? Find(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        int width = image.Width, height = image.Height;
        if (width < 32 || height < 32)
            return null;
        var pixels = image.Pixels;
        var fill = At(pixels, width, 1, 1);
        // (start x, start y, horizontal step, vertical step) of each corner: top-left, top-right, bottom-right, bottom-left.
        Span<int> corners = [1, 1, 1, 1, width - 2, 1, -1, 1, width - 2, height - 2, -1, -1, 1, height - 2, 1, -1];
        Span<double> angles = stackalloc double[4];
        int triangles = 0;
        for (int c = 0; c < 4; c++)
        {
            int x = corners[4 * c], y = corners[4 * c + 1], stepX = corners[4 * c + 2], stepY = corners[4 * c + 3];
            if (!Near(At(pixels, width, x, y), fill))
                return null;
            // A corner whose picture is as dark (or light) as the fill runs on past its triangle: it has no say.
            if (Angle(pixels, width, height, x, y, stepX, stepY, fill, clockwiseWhenTaller: c % 2 == 0) is { } degrees)
                angles[triangles++] = degrees;
        }
        if (triangles < 3)
            return null;
        var found = angles[..triangles];
        found.Sort();
        double median = triangles == 4 ? (found[1] + found[2]) / 2 : found[1];
        if (Math.Abs(median) < MinDegrees || Math.Abs(median) > MaxDegrees || found[0] < median - MaxSpread || found[^1] > median + MaxSpread
            || Math.Sign(found[0]) != Math.Sign(found[^1]))
            return null;
        return (median, fill);
    }

    /// <summary>The signed angle one corner's fill triangle gives, or null when what is there is not a plain right triangle.</summary>
    private static double? Angle(ReadOnlySpan<byte> pixels, int width, int height, int x, int y, int stepX, int stepY, Rgb fill, bool clockwiseWhenTaller)
    {
        int across = Run(pixels, width, height, x, y, stepX, 0, fill, width / 2);
        int down = Run(pixels, width, height, x, y, 0, stepY, fill, height / 2);
        int shorter = Math.Min(across, down), longer = Math.Max(across, down);
        if (shorter < 2 || longer < 8 || longer >= (across > down ? width : height) / 2)
            return null;
        // Half-way along the longer leg the triangle is half as deep: a straight edge, not a blob.
        int half = across > down
            ? Run(pixels, width, height, x + stepX * (longer / 2), y, 0, stepY, fill, height / 2)
            : Run(pixels, width, height, x, y + stepY * (longer / 2), stepX, 0, fill, width / 2);
        if (Math.Abs(half - shorter / 2.0) > Math.Max(2, shorter / 4.0))
            return null;
        // Clockwise: top-left and bottom-right are taller than wide, the others wider than tall.
        double degrees = Math.Atan2(shorter, longer) * 180 / Math.PI;
        return clockwiseWhenTaller == (down > across) ? degrees : -degrees;
    }

    /// <summary>How many pixels from (x, y) on, stepping by (stepX, stepY), are within the tolerance of <paramref name="fill"/>, up to <paramref name="limit"/>.</summary>
    private static int Run(ReadOnlySpan<byte> pixels, int width, int height, int x, int y, int stepX, int stepY, Rgb fill, int limit)
    {
        int n = 0;
        while (n < limit && (uint)x < (uint)width && (uint)y < (uint)height && Near(At(pixels, width, x, y), fill))
        {
            n++;
            x += stepX;
            y += stepY;
        }
        return n;
    }

    private static Rgb At(ReadOnlySpan<byte> pixels, int width, int x, int y)
    {
        int i = 3 * (y * width + x);
        return new Rgb(pixels[i], pixels[i + 1], pixels[i + 2]);
    }

    private static bool Near(Rgb a, Rgb b) =>
        Math.Abs(a.R - b.R) <= Tolerance && Math.Abs(a.G - b.G) <= Tolerance && Math.Abs(a.B - b.B) <= Tolerance;
}
