using Vigil.Media;

namespace Vigil.ImageHashing;

/// <summary>
/// A caption burnt into the top or bottom of a picture changes a fifth of what PDQ sees. Greying that band out on both
/// sides (the query, and the bank's own media) makes the two agree again whatever the caption says: the band is the
/// same flat grey in both, and the rest of the picture is the original.
/// </summary>
public static class CaptionBand
{
    /// <summary>The share of the height greyed out: a caption line with its outline and margin. Default 20%.</summary>
    public const double Fraction = 0.20;

    /// <summary>The grey the band is filled with.</summary>
    public const byte Grey = 128;

    /// <summary>A copy of <paramref name="image"/> with its top (or bottom) <paramref name="fraction"/> of rows filled with <see cref="Grey"/>.</summary>
    public static RgbImage Mask(RgbImage image, bool top, double fraction = Fraction)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fraction);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(fraction, 1);
        int rows = Math.Max(1, (int)Math.Round(image.Height * fraction));
        int stride = image.Width * 3;
        var pixels = new byte[image.Pixels.Length];
        image.Pixels.CopyTo(pixels);
        int start = top ? 0 : (image.Height - rows) * stride;
        pixels.AsSpan(start, rows * stride).Fill(Grey);
        return RgbImage.FromPixels(image.Width, image.Height, pixels);
    }
}
