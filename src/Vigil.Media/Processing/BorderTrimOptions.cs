namespace Vigil.Media.Processing;

/// <summary>How <see cref="BorderTrimmer.Find(RgbImage, BorderTrimOptions?)"/> decides what is a border. The defaults suit decoded photos and
/// JPEG re-encodings down to quality 30.</summary>
public sealed record BorderTrimOptions
{
    /// <summary>The default options.</summary>
    public static BorderTrimOptions Default { get; } = new();

    /// <summary>
    /// How far (largest difference over R, G and B) a pixel may be from a side's border colour and still count as
    /// border: JPEG noise and ringing in a re-encoded bar stay within it. Default 24; 1 to 254.
    /// </summary>
    public int Tolerance { get; init; } = 24;

    /// <summary>
    /// The share of a row's (column's) pixels that must be within <see cref="Tolerance"/> of the border colour for
    /// the row to be border. Default 0.98; above 0.5, at most 1.
    /// </summary>
    public double MinMatchingShare { get; init; } = 0.98;

    /// <summary>A side's border must be at least this many pixels deep to be trimmed. Default 2; at least 1.</summary>
    public int MinTrimPixels { get; init; } = 2;

    /// <summary>
    /// A side's border must also be at least this share of the image's height (top, bottom) or width (left, right)
    /// to be trimmed. Default 0.01; 0 to 0.25.
    /// </summary>
    public double MinTrimShare { get; init; } = 0.01;

    /// <summary>
    /// No rectangle is returned when what is left would be less than this share of the image's width or height:
    /// that is a nearly uniform image, not a picture in bars. Default 0.25; above 0, below 1.
    /// </summary>
    public double MinRemainingShare { get; init; } = 0.25;

    /// <summary>No rectangle is returned when what is left would be narrower or lower than this. Default 32; at least 1.</summary>
    public int MinRemainingPixels { get; init; } = 32;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for a value outside its documented range.</summary>
    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Tolerance, 1, nameof(Tolerance));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Tolerance, 254, nameof(Tolerance));
        if (!(MinMatchingShare > 0.5 && MinMatchingShare <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MinMatchingShare), MinMatchingShare, "must be above 0.5 and at most 1");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MinTrimPixels, 1, nameof(MinTrimPixels));
        if (!(MinTrimShare >= 0 && MinTrimShare <= 0.25))
        {
            throw new ArgumentOutOfRangeException(nameof(MinTrimShare), MinTrimShare, "must be from 0 to 0.25");
        }

        if (!(MinRemainingShare > 0 && MinRemainingShare < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MinRemainingShare), MinRemainingShare, "must be above 0 and below 1");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MinRemainingPixels, 1, nameof(MinRemainingPixels));
    }
}
