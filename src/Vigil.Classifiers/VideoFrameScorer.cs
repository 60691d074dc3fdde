using Vigil.Media;
using Vigil.Media.Video;

namespace Vigil.Classifiers;

/// <summary>
/// Scores a video's sampled frames as they are decoded, a batch at a time, keeping the highest (<see cref="VideoScore"/>): fed by
/// whatever decodes the video (<see cref="VideoClassification"/>, or the vPDQ pass, so a video is decoded once for its hash and its
/// score). A classifier failure stops the scoring and is thrown by <see cref="FinishAsync"/>, never into the decoder's loop.
/// Not thread-safe: one per video.
/// </summary>
public sealed class VideoFrameScorer : IDisposable
{
    private readonly IMediaClassifier _classifier;
    private readonly int _batch;
    private readonly List<RgbImage> _frames;
    private readonly List<double> _times;
    private MediaScore? _best;
    private double _bestAt;
    private int _count;
    private ClassifierException? _failure;

    /// <summary>A scorer of frames with <paramref name="classifier"/>, <paramref name="batch"/> frames per call.</summary>
    public VideoFrameScorer(IMediaClassifier classifier, int batch = 16)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        (_classifier, _batch) = (classifier, batch);
        _frames = new List<RgbImage>(batch);
        _times = new List<double>(batch);
    }

    /// <summary>True once the classifier failed: later frames are not scored, and <see cref="FinishAsync"/> throws.</summary>
    public bool Failed => _failure is not null;

    /// <summary>Takes one decoded frame (its pixels are copied: a decoder's frame lasts only until the next is read).</summary>
    public async ValueTask AddAsync(VideoFrame frame, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (_failure is not null)
            return;
        _frames.Add(RgbImage.FromPixels(frame.Width, frame.Height, frame.Rgb.Span));
        _times.Add(frame.TimestampSeconds);
        if (_frames.Count == _batch)
            await ScoreHeldAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Scores the frames still held; the video's score, or null when no frame came.</summary>
    /// <exception cref="ClassifierException">The classifier failed on some batch.</exception>
    public async Task<VideoScore?> FinishAsync(CancellationToken cancellationToken = default)
    {
        if (_frames.Count > 0)
            await ScoreHeldAsync(cancellationToken).ConfigureAwait(false);
        if (_failure is not null)
            throw _failure;
        return _best is null ? null : new VideoScore(_best, _bestAt, _count);
    }

    private async Task ScoreHeldAsync(CancellationToken cancellationToken)
    {
        try
        {
            var scores = await _classifier.ClassifyAsync(_frames, cancellationToken).ConfigureAwait(false);
            int highest = FrameScores.Highest(scores);
            if (highest >= 0 && (_best is null || scores[highest].Score > _best.Score))
                (_best, _bestAt) = (scores[highest], _times[highest]);
            _count += _frames.Count;
        }
        catch (ClassifierException e)
        {
            _failure = e;
        }
        finally
        {
            Release();
        }
    }

    private void Release()
    {
        foreach (var frame in _frames)
            frame.Dispose();
        _frames.Clear();
        _times.Clear();
    }

    /// <inheritdoc/>
    public void Dispose() => Release();
}
