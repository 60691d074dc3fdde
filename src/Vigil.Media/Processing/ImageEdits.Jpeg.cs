using Vigil.Media.Encoders;

namespace Vigil.Media.Processing;

public static partial class ImageEdits
{
    /// <summary>
    /// Saves the picture as a JPEG at <paramref name="quality"/> with libjpeg-turbo (baseline, 4:2:0 chroma
    /// subsampling, as most upload pipelines write) and decodes it again with <see cref="ImageDecoder"/>: the pixels a
    /// re-compressed copy would be hashed from.
    /// </summary>
    /// <param name="image">The picture; unchanged.</param>
    /// <param name="quality">JPEG quality, 1 (smallest, worst) to 100.</param>
    /// <returns>A new image of the same size, with <see cref="RgbImage.SourceFormat"/> <see cref="ImageFormat.Jpeg"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="quality"/> is outside 1..100, or a side of the
    /// picture is larger than a JPEG can hold (65,535).</exception>
    /// <exception cref="DllNotFoundException">libjpeg-turbo (libturbojpeg) is not installed; the message names the package.</exception>
    /// <exception cref="InvalidOperationException">libjpeg-turbo failed to compress the picture.</exception>
    public static RgbImage ReencodeJpeg(RgbImage image, int quality)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(quality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 100);
        if (image.Width > JpegEncoder.MaxSide || image.Height > JpegEncoder.MaxSide)
        {
            throw new ArgumentOutOfRangeException(nameof(image), $"a {image.Width}x{image.Height} image is too large for JPEG (at most {JpegEncoder.MaxSide} pixels a side)");
        }

        using var encoder = new JpegEncoder();
        var jpeg = encoder.Encode(image.Pixels, image.Width, image.Height, quality);
        // The image already exists, so the decompression-bomb limit has nothing to guard against.
        using var decoder = new ImageDecoder(new DecodeOptions { MaxPixels = long.MaxValue });
        return decoder.Decode(jpeg);
    }
}
