namespace Vigil.Media.Processing;

/// <summary>How <see cref="ContentRegionFinder.Find"/> decides what is canvas and what is a picture on it.</summary>
public sealed record RegionFindOptions
{
    /// <summary>The default options.</summary>
    public static RegionFindOptions Default { get; } = new();

    /// <summary>
    /// How far (largest difference over R, G and B) a pixel may be from the canvas colour and still count as
    /// canvas; JPEG noise on a plain background stays within it. Default 24; 1 to 254.
    /// </summary>
    public int Tolerance { get; init; } = 24;

    /// <summary>
    /// The share of the image's outer frame that must be the canvas colour for the image to be a picture on a
    /// canvas at all. Default 0.5; above 0, at most 1.
    /// </summary>
    public double MinFrameShare { get; init; } = 0.5;

    /// <summary>The smallest picture, as a share of the image's area. Default 0.15; above 0, below <see cref="MaxAreaShare"/>.</summary>
    public double MinAreaShare { get; init; } = 0.15;

    /// <summary>
    /// The largest picture, as a share of the image's area: a region nearly the size of the image is the image
    /// itself. Default 0.95; above <see cref="MinAreaShare"/>, below 1.
    /// </summary>
    public double MaxAreaShare { get; init; } = 0.95;

    /// <summary>The longest side of the picture may be at most this many times its shortest. Default 4; at least 1.</summary>
    public double MaxAspectRatio { get; init; } = 4;

    /// <summary>The picture must be at least this many pixels wide and high. Default 32; at least 1.</summary>
    public int MinPicturePixels { get; init; } = 32;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for a value outside its documented range.</summary>
    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Tolerance, 1, nameof(Tolerance));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Tolerance, 254, nameof(Tolerance));
        if (!(MinFrameShare > 0 && MinFrameShare <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MinFrameShare), MinFrameShare, "must be above 0 and at most 1");
        }

        if (!(MaxAreaShare < 1 && MinAreaShare > 0 && MinAreaShare < MaxAreaShare))
        {
            throw new ArgumentOutOfRangeException(nameof(MinAreaShare), MinAreaShare, $"0 < {nameof(MinAreaShare)} < {nameof(MaxAreaShare)} < 1 does not hold");
        }

        if (!(MaxAspectRatio >= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAspectRatio), MaxAspectRatio, "must be at least 1");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MinPicturePixels, 1, nameof(MinPicturePixels));
    }
}
