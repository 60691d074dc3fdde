using Vigil.Classifiers;
using Vigil.Media;
using Vigil.Video.Guard;

namespace Vigil.Cli.Guarding;

/// <summary>Why a frame was stopped: a known hash (and how near), or the classifier (and its score).</summary>
/// <param name="Reason"><c>known_hash</c>, <c>classifier</c>, or <c>classifier_failed</c> (a check that could not run does not pass).</param>
/// <param name="Distance">For a known hash: the PDQ distance to it.</param>
/// <param name="Score">For the classifier: its score.</param>
/// <param name="Detail">The classifier's name, or why it failed.</param>
internal sealed record GuardHit(string Reason, int? Distance = null, double? Score = null, string? Detail = null);

/// <summary>
/// The checks <c>vigil guard</c> runs on a sampled frame: the PDQ list first (a fraction of a millisecond), then, when
/// given, an on-device classifier past its manifest's threshold. A classifier that fails counts as a hit: the guard's
/// promise is that every frame that leaves was covered by a check that passed, and a check that did not run did not pass.
/// </summary>
internal sealed class GuardChecks(PdqListCheck list, IMediaClassifier? classifier) : IFrameCheck
{
    /// <summary>What the last hit was.</summary>
    public GuardHit? LastHit { get; private set; }

    /// <summary>Classifier failures so far (each blocked its frame).</summary>
    public int ClassifierFailures { get; private set; }

    /// <inheritdoc />
    public bool IsHit(ReadOnlySpan<byte> rgb, int width, int height)
    {
        if (list.IsHit(rgb, width, height))
        {
            LastHit = new GuardHit("known_hash", Distance: list.LastHitDistance);
            return true;
        }
        if (classifier is null)
            return false;
        try
        {
            using var image = RgbImage.FromPixels(width, height, rgb);
            // The model runs on this machine's CPU (only on-device manifests are accepted): waiting here is the check.
            var score = classifier.ClassifyAsync([image]).GetAwaiter().GetResult()[0].Score;
            if (!classifier.Manifest.IsPastThreshold(score))
                return false;
            LastHit = new GuardHit("classifier", Score: Math.Round(score, 4), Detail: classifier.Manifest.Name);
            return true;
        }
        catch (ClassifierException e)
        {
            ClassifierFailures++;
            LastHit = new GuardHit("classifier_failed", Detail: e.Message);
            return true;
        }
    }
}
