using Vigil.Classifiers.Manifests;
using Vigil.Media;

namespace Vigil.Classifiers;

/// <summary>
/// Scores decoded images with one model. Implementations are safe to call from several threads at once and batch
/// internally up to their model's limit; a video is scored as its sampled frames (<see cref="FrameScores"/>).
/// </summary>
public interface IMediaClassifier : IDisposable
{
    /// <summary>The manifest the classifier was made from (name, version, labels, threshold).</summary>
    ClassifierManifest Manifest { get; }

    /// <summary>The score of each image, in order.</summary>
    /// <exception cref="ClassifierException">The model or service failed (the message says how).</exception>
    Task<IReadOnlyList<MediaScore>> ClassifyAsync(IReadOnlyList<RgbImage> images, CancellationToken cancellationToken = default);
}
