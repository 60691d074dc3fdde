namespace Vigil.Media.Video;

/// <summary>How <see cref="FfmpegVideo.ReadFramesAsync"/> reads a video.</summary>
public sealed record VideoReadOptions
{
    /// <summary>
    /// Null: every frame. Otherwise one frame every S seconds, chosen as the vPDQ reference does: frame
    /// numbers that are multiples of <c>max(1, (int)(S * fps))</c> (the reference truncates; at 30 fps and S = 1
    /// that is 0, 30, 60, ...). Frames keep their numbers in the source. Must be positive.
    /// </summary>
    public double? SecondsPerFrame { get; init; }

    /// <summary>The frame rate to number and time frames by when the input does not say (raw streams); overrides the input's rate.</summary>
    public double? FramesPerSecond { get; init; }

    /// <summary>
    /// How long to wait for the next frame before giving up with <see cref="VideoStreamStalledException"/>.
    /// Default 10 seconds. It covers the first frame too, unless <see cref="FirstFrameTimeout"/> is set.
    /// </summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long to wait for the first frame, which includes connecting to a live stream and probing
    /// it (slower than the gap between frames); null (the default) means <see cref="StallTimeout"/>.
    /// </summary>
    public TimeSpan? FirstFrameTimeout { get; init; }

    /// <summary>
    /// For live inputs: <c>-fflags nobuffer -flags low_delay</c> and a small probe size and analyse duration, so
    /// frames come out as soon as they are decoded.
    /// </summary>
    public bool LowLatency { get; init; }

    /// <summary>Extra ffmpeg input options, placed just before <c>-i</c> (after the low-latency ones, so they override them), e.g. <c>["-f", "mpegts"]</c>.</summary>
    public IReadOnlyList<string> InputArguments { get; init; } = [];

    /// <summary>The ffmpeg program to run; null: <see cref="FfmpegVideo.FfmpegPath"/>.</summary>
    public string? FfmpegPath { get; init; }
}
