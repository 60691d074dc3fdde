namespace Vigil.Review.Wellness;

/// <summary>
/// How strongly a reviewer-safe derivative hides its media: the blur radius, greyscale, and the size it is
/// shrunk to first. The defaults are the protective ones; an organisation enforces a stronger floor with
/// <see cref="WithMinimumRadius"/>.
/// </summary>
public sealed record BlurOptions
{
    /// <summary>
    /// The weakest blur Vigil makes (radius 4 px at the derivative's size): below it shapes start to read, so smaller
    /// radii are refused whatever a reviewer or organisation asks.
    /// </summary>
    public const int MinimumRadius = 4;

    /// <summary>The largest radius accepted; beyond it the image is one flat colour anyway.</summary>
    public const int MaximumRadius = 256;

    /// <summary>The default radius: 12 px at up to 480 px, a Gaussian of about 12 px standard deviation.</summary>
    public const int DefaultRadius = 12;

    /// <summary>The default longest side of the derivative, in pixels.</summary>
    public const int DefaultMaxSide = 480;

    /// <summary>The largest <see cref="MaxSide"/> accepted.</summary>
    public const int MaximumMaxSide = 4096;

    /// <summary>The protective defaults: radius 12, greyscale, at most 480 px on the longest side.</summary>
    public static BlurOptions Default { get; } = new();

    /// <summary>
    /// The box radius, in pixels of the shrunk image, of each of three box-blur passes (together close to a Gaussian
    /// of standard deviation about <c>radius</c>). From <see cref="MinimumRadius"/> to <see cref="MaximumRadius"/>.
    /// </summary>
    public int Radius { get; init; } = DefaultRadius;

    /// <summary>Drop colour (BT.601 luma), on by default; the PNG is then greyscale.</summary>
    public bool Greyscale { get; init; } = true;

    /// <summary>
    /// The derivative's longest side, in pixels: larger media is shrunk (by area averaging) to fit, smaller media
    /// keeps its size. From 1 to <see cref="MaximumMaxSide"/>.
    /// </summary>
    public int MaxSide { get; init; } = DefaultMaxSide;

    /// <summary>
    /// These options with the radius raised to <paramref name="organisationMinimum"/> if it is below it: how an
    /// organisation's floor is applied to a reviewer's own choice.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="organisationMinimum"/> is outside <see cref="MinimumRadius"/> to <see cref="MaximumRadius"/>.</exception>
    public BlurOptions WithMinimumRadius(int organisationMinimum)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(organisationMinimum, MinimumRadius);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(organisationMinimum, MaximumRadius);
        return Radius >= organisationMinimum ? this : this with { Radius = organisationMinimum };
    }

    /// <summary>Throws for values outside the documented ranges.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message says which and why.</exception>
    public void Validate()
    {
        if (Radius < MinimumRadius)
            throw new ArgumentOutOfRangeException(nameof(Radius), Radius, $"the blur radius must be at least {MinimumRadius}: weaker blurs do not protect reviewers");
        if (Radius > MaximumRadius)
            throw new ArgumentOutOfRangeException(nameof(Radius), Radius, $"the blur radius must be at most {MaximumRadius}");
        if (MaxSide < 1 || MaxSide > MaximumMaxSide)
            throw new ArgumentOutOfRangeException(nameof(MaxSide), MaxSide, $"the longest side must be 1 to {MaximumMaxSide} pixels");
    }
}
