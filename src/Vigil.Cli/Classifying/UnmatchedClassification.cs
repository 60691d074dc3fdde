using System.Globalization;
using Vigil.Classifiers;
using Vigil.Cli.Hashing;
using Vigil.Media;
using Vigil.Review.Cases;

namespace Vigil.Cli.Classifying;

/// <summary>
/// <c>vigil scan --classify</c>: the files nothing matched (nor a negative bank suppressed) scored by the classifier; each
/// one past its threshold is printed, and returned for <c>--open-cases</c> to open. Known material is found by its hash;
/// this is for material no list has yet.
/// </summary>
internal static class UnmatchedClassification
{
    public static async Task<List<ClassifyRecord>> RunAsync(IMediaClassifier classifier, IReadOnlyList<string> unmatched, string root, int threads,
        TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var manifest = classifier.Manifest;
        error.WriteLine($"classifying {unmatched.Count:N0} unmatched images with {manifest.Name} {manifest.Version} (threshold {manifest.Threshold.ToString(CultureInfo.InvariantCulture)})");
        var flagged = new List<ClassifyRecord>();
        int failed = 0;
        var progress = new Interaction.CommandProgress(error, "images", unmatched.Count, () => $", {flagged.Count:N0} past the threshold");
        var run = new BatchClassifier(classifier, new DecodeOptions { AutoOrient = true }, threads, batch: 16);
        var inputs = new List<InputFile>(unmatched.Count);
        foreach (string path in unmatched)
            inputs.Add(new InputFile(path));
        await run.RunAsync(inputs, record =>
        {
            if (record.Score is { } score && ClassifierScores.OpensCase(score, manifest))
            {
                progress.Clear();
                output.WriteLine($"classifier: {Path.GetRelativePath(root, record.Path)}  {score.Score.ToString("0.0000", CultureInfo.InvariantCulture)} >= {manifest.Threshold.ToString(CultureInfo.InvariantCulture)} ({manifest.Name} {manifest.Version})");
                output.Flush();
                flagged.Add(record);
            }
            failed += record.Error is null ? 0 : 1;
            progress.Advance();
        }, cancellationToken).ConfigureAwait(false);
        progress.Finish();
        output.WriteLine($"classified {unmatched.Count - failed:N0} unmatched images: {flagged.Count:N0} past the threshold (a reason for review, not a finding)");
        return flagged;
    }
}
