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
        using var scorer = new VideoFrameScorer(classifier, batch);
        await foreach (var frame in source.ConfigureAwait(false))
        {
            await scorer.AddAsync(frame, cancellationToken).ConfigureAwait(false);
            if (scorer.Failed)
                break;
        }
        return await scorer.FinishAsync(cancellationToken).ConfigureAwait(false);
    }
}
