using System.Globalization;
using Vigil.Classifiers.Manifests;
using Vigil.Review.Cases;

namespace Vigil.Cli.Classifying;

/// <summary>
/// <c>vigil scan --classify</c>: the files nothing matched (nor a negative bank suppressed), as the classifier scored them while
/// they were hashed (one decode per file); each one past its threshold is printed, and returned for <c>--open-cases</c> to open.
/// Known material is found by its hash; this is for material no list has yet.
/// </summary>
internal static class UnmatchedClassification
{
    public static List<ClassifyRecord> Report(ClassifierManifest manifest, IReadOnlyList<ClassifyRecord> unmatched, string root,
        TextWriter output, TextWriter error)
    {
        var flagged = new List<ClassifyRecord>();
        int failed = 0;
        foreach (var record in unmatched)
        {
            if (record.Error is not null)
            {
                failed++;
                error.WriteLine($"classifier: {Path.GetRelativePath(root, record.Path)}: {record.Error}");
                continue;
            }
            if (record.Score is { } score && ClassifierScores.OpensCase(score, manifest))
            {
                output.WriteLine($"classifier: {Path.GetRelativePath(root, record.Path)}  {score.Score.ToString("0.0000", CultureInfo.InvariantCulture)} >= {manifest.Threshold.ToString(CultureInfo.InvariantCulture)} ({manifest.Name} {manifest.Version})");
                flagged.Add(record);
            }
        }
        output.WriteLine($"classified {unmatched.Count - failed:N0} unmatched images: {flagged.Count:N0} past the threshold (a reason for review, not a finding)");
        return flagged;
    }
}
