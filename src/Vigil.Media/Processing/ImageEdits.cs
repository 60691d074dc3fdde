namespace Vigil.Media.Processing;

/// <summary>
/// Deterministic edits of the kind a re-uploader makes (crops, resizes, rotations, tone changes, blur, noise, JPEG
/// re-encoding, bars, borders, screenshots, captions), in managed code on <see cref="RgbImage"/> pixels, for measuring
/// how well perceptual hashes survive them. Every edit is a pure function: it leaves its input unchanged and returns
/// a new image (whose <see cref="RgbImage.SourceFormat"/> is <see cref="ImageFormat.Unknown"/>, except after
/// <see cref="ReencodeJpeg"/>) that the caller disposes. The same input and arguments always give the same pixels
/// on the same machine. Thread-safe.
/// </summary>
public static partial class ImageEdits
{
    /// <summary>An uninitialised result image: every edit writes all of its pixels.</summary>
    private static RgbImage NewImage(int width, int height) => RgbImage.Allocate(width, height, ImageFormat.Unknown);

    /// <summary>A copy of <paramref name="image"/>, the start of the edits that change pixels in place.</summary>
    private static RgbImage Copy(RgbImage image)
    {
        var copy = NewImage(image.Width, image.Height);
        image.Pixels.CopyTo(copy.WritablePixels);
        return copy;
    }

    /// <summary>A pixel count from <paramref name="fraction"/> of <paramref name="length"/>, rounded half away from zero.</summary>
    private static int FractionOf(int length, double fraction) =>
        (int)Math.Round(length * fraction, MidpointRounding.AwayFromZero);

    private static byte ClampToByte(double value) =>
        value <= 0 ? (byte)0 : value >= 255 ? (byte)255 : (byte)(int)(value + 0.5);

    private static void CheckCanvasSize(long width, long height, string parameter)
    {
        if (width > int.MaxValue || height > int.MaxValue || width * height * 3 > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(parameter, $"the result would be {width}x{height} pixels, too large for an image");
        }
    }
}
