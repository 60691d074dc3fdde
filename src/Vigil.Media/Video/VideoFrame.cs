namespace Vigil.Media.Video;

/// <summary>
/// One decoded frame: packed 8-bit RGB rows (3 bytes per pixel, <see cref="Width"/> * 3 bytes per row, no
/// padding), its number in the decoded stream and its time.
/// </summary>
/// <remarks>
/// <see cref="Rgb"/> points into a buffer the reader reuses: it is valid only until the next frame is read
/// (the next <c>MoveNextAsync</c> of the enumerator) or the enumeration ends. Copy the pixels to keep them.
/// The other properties stay valid.
/// </remarks>
public sealed class VideoFrame
{
    /// <summary>Creates a frame over <paramref name="rgb"/> (not copied).</summary>
    /// <param name="frameNumber">The frame's index in the decoded stream, from 0.</param>
    /// <param name="framesPerSecond">The stream's frame rate (used for <see cref="TimestampSeconds"/>).</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="rgb">Exactly <paramref name="width"/> * <paramref name="height"/> * 3 bytes.</param>
    public VideoFrame(long frameNumber, double framesPerSecond, int width, int height, ReadOnlyMemory<byte> rgb)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(frameNumber);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (rgb.Length != (long)width * height * 3)
            throw new ArgumentException($"expected {(long)width * height * 3} bytes of RGB for {width}x{height}, got {rgb.Length}", nameof(rgb));
        FrameNumber = frameNumber;
        FramesPerSecond = framesPerSecond;
        TimestampSeconds = framesPerSecond > 0 ? frameNumber / framesPerSecond : double.NaN;
        Width = width;
        Height = height;
        Rgb = rgb;
    }

    /// <summary>The frame's index in the decoded stream, from 0 (frames skipped by sampling keep their numbers).</summary>
    public long FrameNumber { get; }

    /// <summary><see cref="FrameNumber"/> / <see cref="FramesPerSecond"/> (NaN when the rate is unknown).</summary>
    public double TimestampSeconds { get; }

    /// <summary>The frame rate the timestamp is computed from.</summary>
    public double FramesPerSecond { get; }

    /// <summary>Width in pixels (the video's own size).</summary>
    public int Width { get; }

    /// <summary>Height in pixels (the video's own size).</summary>
    public int Height { get; }

    /// <summary>Packed 8-bit RGB rows; valid until the next frame is read (see the remarks on <see cref="VideoFrame"/>).</summary>
    public ReadOnlyMemory<byte> Rgb { get; }
}
