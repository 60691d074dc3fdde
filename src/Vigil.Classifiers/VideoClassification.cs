using Vigil.Media;
using Vigil.Media.Video;

namespace Vigil.Classifiers;

/// <summary>A video's score: its highest-scoring sampled frame's (<see cref="FrameScores"/>), when that frame is, and how many frames were scored.</summary>
/// <param name="Score">The highest frame's score.</param>
/// <param name="AtSeconds">That frame's time in the video.</param>
/// <param name="Frames">Frames scored.</param>
public sealed record VideoScore(MediaScore Score, double AtSeconds, int Frames);

/// <summary>Scores a video as its sampled frames, decoded by ffmpeg once, a batch of frames at a time: one bad scene is enough to look.</summary>
public static class VideoClassification
{
    /// <summary>
    /// Samples one frame every <paramref name="secondsPerFrame"/> of <paramref name="path"/> and scores them in batches of
    /// <paramref name="batch"/>; null for a video with no frame.
    /// </summary>
    /// <exception cref="VideoDecodeException">ffmpeg could not read it.</exception>
    /// <exception cref="ClassifierException">The classifier failed.</exception>
    public static Task<VideoScore?> ClassifyAsync(IMediaClassifier classifier, string path, double secondsPerFrame = 1, int batch = 16,
        CancellationToken cancellationToken = default) =>
        ClassifyAsync(classifier, FfmpegVideo.ReadFramesAsync(path, new VideoReadOptions { SecondsPerFrame = secondsPerFrame }, cancellationToken), batch, cancellationToken);

    /// <summary>Scores a video held in memory (an upload), one frame every <paramref name="secondsPerFrame"/>.</summary>
    /// <exception cref="VideoDecodeException">ffmpeg could not read it.</exception>
    /// <exception cref="ClassifierException">The classifier failed.</exception>
    public static Task<VideoScore?> ClassifyAsync(IMediaClassifier classifier, ReadOnlyMemory<byte> video, double secondsPerFrame = 1, int batch = 16,
        CancellationToken cancellationToken = default) =>
        ClassifyAsync(classifier, FfmpegVideo.ReadFramesFromMemoryAsync(video, new VideoReadOptions { SecondsPerFrame = secondsPerFrame }, cancellationToken), batch, cancellationToken);

    /// <summary>Scores decoded frames (each frame's pixels valid until the next is read), in batches of <paramref name="batch"/>; null for no frames.</summary>
    public static async Task<VideoScore?> ClassifyAsync(IMediaClassifier classifier, IAsyncEnumerable<VideoFrame> source, int batch = 16,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        var frames = new List<RgbImage>(batch);
        var times = new List<double>(batch);
        MediaScore? best = null;
        double bestAt = 0;
        int count = 0;
        try
        {
            await foreach (var frame in source.ConfigureAwait(false))
            {
                // A frame's pixels last only until the next is read: the batch keeps its own copy.
                frames.Add(RgbImage.FromPixels(frame.Width, frame.Height, frame.Rgb.Span));
                times.Add(frame.TimestampSeconds);
                if (frames.Count == batch)
                    (best, bestAt, count) = await ScoreAsync(classifier, frames, times, best, bestAt, count, cancellationToken).ConfigureAwait(false);
            }
            if (frames.Count > 0)
                (best, bestAt, count) = await ScoreAsync(classifier, frames, times, best, bestAt, count, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var frame in frames)
                frame.Dispose();
        }
        return best is null ? null : new VideoScore(best, bestAt, count);
    }

    private static async Task<(MediaScore? Best, double At, int Count)> ScoreAsync(IMediaClassifier classifier, List<RgbImage> frames, List<double> times,
        MediaScore? best, double bestAt, int count, CancellationToken cancellationToken)
    {
        var scores = await classifier.ClassifyAsync(frames, cancellationToken).ConfigureAwait(false);
        int highest = FrameScores.Highest(scores);
        if (highest >= 0 && (best is null || scores[highest].Score > best.Score))
            (best, bestAt) = (scores[highest], times[highest]);
        count += frames.Count;
        foreach (var frame in frames)
            frame.Dispose();
        frames.Clear();
        times.Clear();
        return (best, bestAt, count);
    }
}
