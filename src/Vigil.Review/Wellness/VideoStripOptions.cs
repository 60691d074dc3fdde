namespace Vigil.Review.Wellness;

/// <summary>How a blurred strip of a video's frames is made (see <see cref="BlurredStripMaker"/>).</summary>
public sealed record VideoStripOptions
{
    /// <summary>The default number of frames in a strip.</summary>
    public const int DefaultFrameCount = 6;

    /// <summary>The most frames a strip may have.</summary>
    public const int MaximumFrameCount = 32;

    /// <summary>The default longest side of each tile, in pixels.</summary>
    public const int DefaultTileMaxSide = 240;

    /// <summary>The protective defaults: six tiles of at most 240 px, radius 12, greyscale.</summary>
    public static VideoStripOptions Default { get; } = new();

    /// <summary>How many frames, spread evenly over the video, are tiled side by side (fewer when the video has fewer). 1 to <see cref="MaximumFrameCount"/>.</summary>
    public int FrameCount { get; init; } = DefaultFrameCount;

    /// <summary>The blur of each tile; <see cref="BlurOptions.MaxSide"/> is the longest side of one tile.</summary>
    public BlurOptions Blur { get; init; } = BlurOptions.Default with { MaxSide = DefaultTileMaxSide };

    /// <summary>How long to wait for ffmpeg's next frame before giving up (default 10 s).</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Throws for values outside the documented ranges.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    /// <exception cref="ArgumentNullException"><see cref="Blur"/> is null.</exception>
    public void Validate()
    {
        if (FrameCount < 1 || FrameCount > MaximumFrameCount)
            throw new ArgumentOutOfRangeException(nameof(FrameCount), FrameCount, $"a strip has 1 to {MaximumFrameCount} frames");
        ArgumentNullException.ThrowIfNull(Blur);
        Blur.Validate();
        if (StallTimeout <= TimeSpan.Zero && StallTimeout != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(StallTimeout), StallTimeout, "the stall timeout must be positive");
        if ((long)Blur.MaxSide * FrameCount > ushort.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(FrameCount), FrameCount, "the strip would be wider than a PNG's 65,535 pixels");
    }
}
