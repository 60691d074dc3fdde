using Vigil.Classifiers;
using Vigil.Classifiers.Manifests;
using Vigil.Storage;

namespace Vigil.Review.Cases;

/// <summary>How a classifier's answer goes into review: past the model's threshold it opens an item (source <c>classifier</c>), with the score kept on it.</summary>
public static class ClassifierScores
{
    /// <summary>Whether <paramref name="score"/> reaches the threshold of the model that gave it.</summary>
    public static bool OpensCase(MediaScore score, ClassifierManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(score);
        ArgumentNullException.ThrowIfNull(manifest);
        return manifest.IsPastThreshold(score.Score);
    }

    /// <summary>The score as an item keeps it: model, version, threshold and every label.</summary>
    public static ItemScore ToItemScore(MediaScore score, ClassifierManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(score);
        ArgumentNullException.ThrowIfNull(manifest);
        var labels = new ItemLabelScore[score.Labels.Count];
        for (int i = 0; i < labels.Length; i++)
            labels[i] = new ItemLabelScore(score.Labels[i].Label, score.Labels[i].Score);
        return new ItemScore(manifest.Name, manifest.Version, score.Score, manifest.Threshold, score.Priority, labels);
    }
}
