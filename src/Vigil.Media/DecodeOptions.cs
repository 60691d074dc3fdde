namespace Vigil.Media;

/// <summary>Options for <see cref="ImageDecoder"/>. The defaults reproduce the reference (Pillow) pipeline.</summary>
public sealed record DecodeOptions
{
    /// <summary>The default options: no EXIF rotation, 100 megapixel limit.</summary>
    public static DecodeOptions Default { get; } = new();

    /// <summary>
    /// Apply the EXIF orientation tag (rotations and flips) after decoding. Off by default, because the reference
    /// hashes are computed on the image as stored.
    /// </summary>
    public bool AutoOrient { get; init; }

    /// <summary>
    /// The largest image (width × height) that will be decoded; larger ones are refused from their header, before
    /// any pixel memory is allocated (<see cref="DecodeErrorKind.TooLarge"/>). Default 100 megapixels.
    /// </summary>
    public long MaxPixels { get; init; } = 100_000_000;

    /// <summary>
    /// Which pipeline's pixels to reproduce: <see cref="DecodeCompat.Reference"/> (default) or python-threatexchange's
    /// (<see cref="DecodeCompat.Pytx"/>), which differs for palette, CMYK, 1-bit and 16-bit greyscale images.
    /// </summary>
    public DecodeCompat Compat { get; init; } = DecodeCompat.Reference;
}
