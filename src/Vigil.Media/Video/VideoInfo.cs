namespace Vigil.Media.Video;

/// <summary>What is known about a video before (or while) its frames are read.</summary>
/// <param name="Width">Frame width in pixels (the decoded frame's own size; rotation metadata is not applied).</param>
/// <param name="Height">Frame height in pixels.</param>
/// <param name="FramesPerSecond">The stream's average frame rate (its real base rate when no average is known).</param>
/// <param name="DurationSeconds">Length in seconds; <see cref="double.NaN"/> when unknown (live inputs, streams without a duration).</param>
public sealed record VideoInfo(int Width, int Height, double FramesPerSecond, double DurationSeconds);
