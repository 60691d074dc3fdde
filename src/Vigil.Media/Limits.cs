using System.Globalization;

namespace Vigil.Media;

/// <summary>The decompression-bomb guard, applied to header dimensions before any pixel memory is allocated.</summary>
internal static class Limits
{
    internal static void CheckPixels(long width, long height, long maxPixels)
    {
        var pixels = width * height;
        if (pixels > maxPixels || pixels * 3 > Array.MaxLength)
        {
            var limit = Math.Min(maxPixels, Array.MaxLength / 3);
            throw new ImageDecodeException(
                DecodeErrorKind.TooLarge,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"image is {width}x{height} ({pixels / 1e6:0.0} megapixels), over the {limit / 1e6:0.###} megapixel limit (see --max-megapixels)"));
        }
    }
}
