using System.Buffers;
using Vigil.Media;
using Vigil.Media.Encoders;

namespace Vigil.Review.Wellness;

/// <summary>
/// Makes the reviewer-safe derivative of an image on the server: decoded in memory (EXIF orientation applied, as a
/// viewer shows it), shrunk to <see cref="BlurOptions.MaxSide"/>, greyscale unless asked otherwise, blurred and
/// encoded as PNG. The clear bytes never leave the process and are never written to disk.
/// </summary>
/// <remarks>Not thread-safe (it reuses one <see cref="ImageDecoder"/>): one per worker.</remarks>
public sealed class BlurredImageMaker : IDisposable
{
    private readonly ImageDecoder _decoder;

    /// <summary>Creates a maker with its own decoder.</summary>
    /// <param name="maxPixels">The largest image decoded, in pixels (the decoder's default 100 million when null).</param>
    /// <exception cref="DllNotFoundException">libturbojpeg is not installed (an installation fault, not the media's).</exception>
    public BlurredImageMaker(long? maxPixels = null)
    {
        var options = new DecodeOptions { AutoOrient = true };
        if (maxPixels is long max)
            options = options with { MaxPixels = max };
        _decoder = new ImageDecoder(options);
    }

    /// <summary>The blurred PNG of the encoded image <paramref name="encoded"/> (JPEG, PNG, GIF, WebP, ...).</summary>
    /// <param name="encoded">The whole image file, in memory.</param>
    /// <param name="options">Blur, greyscale and size; <see cref="BlurOptions.Default"/> when null.</param>
    /// <exception cref="UndecodableMediaException">The bytes are not an image that can be decoded (empty, not an image, unsupported, truncated, corrupt, too large).</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (<see cref="BlurOptions.Validate"/>).</exception>
    public BlurredImage Make(ReadOnlySpan<byte> encoded, BlurOptions? options = null)
    {
        options ??= BlurOptions.Default;
        options.Validate();
        RgbImage image;
        try
        {
            image = _decoder.Decode(encoded);
        }
        catch (ImageDecodeException e)
        {
            throw new UndecodableMediaException(DerivativeMediaKind.Image, $"cannot make a blurred image: {e.Message}", e);
        }
        using (image)
            return FromPixels(image.Pixels, image.Width, image.Height, options);
    }

    /// <summary>The blurred PNG of packed RGB pixels.</summary>
    internal static BlurredImage FromPixels(ReadOnlySpan<byte> rgb, int width, int height, BlurOptions options)
    {
        var (w, h) = DerivativePixels.FitWithin(width, height, options.MaxSide);
        int channels = options.Greyscale ? 1 : 3;
        var buffer = Shrink(rgb, width, height, w, h, options.Greyscale);
        try
        {
            var pixels = buffer.AsSpan(0, w * h * channels);
            DerivativePixels.BoxBlur(pixels, w, h, channels, options.Radius);
            byte[] png = options.Greyscale ? GrayPngEncoder.Encode(pixels, w, h) : RgbPngEncoder.Encode(pixels, w, h);
            return new BlurredImage(png, w, h, options.Greyscale);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }

    /// <summary>
    /// <paramref name="rgb"/> shrunk to <paramref name="w"/>×<paramref name="h"/>, as grey or RGB samples, in a pooled buffer the
    /// caller returns (cleared).
    /// </summary>
    internal static byte[] Shrink(ReadOnlySpan<byte> rgb, int width, int height, int w, int h, bool greyscale)
    {
        var small = ArrayPool<byte>.Shared.Rent(w * h * 3);
        try
        {
            DerivativePixels.Resample(rgb, width, height, small, w, h, channels: 3);
            if (!greyscale)
                return small;
            var grey = ArrayPool<byte>.Shared.Rent(w * h);
            DerivativePixels.ToGrey(small.AsSpan(0, w * h * 3), grey.AsSpan(0, w * h));
            ArrayPool<byte>.Shared.Return(small, clearArray: true);
            return grey;
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(small, clearArray: true);
            throw;
        }
    }

    /// <summary>Releases the decoder's native handles.</summary>
    public void Dispose() => _decoder.Dispose();
}
