using System.Globalization;
using Microsoft.AspNetCore.Http;
using Vigil.Classifiers;
using Vigil.Classifiers.Manifests;

namespace Vigil.Server;

/// <summary>
/// A classifier's score on <c>POST /m/lookup?classify=true</c>, as response headers so that HMA's JSON answer keeps its
/// shape: <c>X-Vigil-Classifier</c> (the model's name and version), <c>X-Vigil-Classifier-Score</c> (0..1),
/// <c>X-Vigil-Classifier-Flagged</c> (<c>true</c> at or past the threshold) and, when the vendor answered with a level,
/// <c>X-Vigil-Classifier-Priority</c>.
/// </summary>
internal static class ClassifierHeaders
{
    public const string Model = "X-Vigil-Classifier";
    public const string Score = "X-Vigil-Classifier-Score";
    public const string Flagged = "X-Vigil-Classifier-Flagged";
    public const string Priority = "X-Vigil-Classifier-Priority";

    public static void Write(HttpResponse response, MediaScore score, ClassifierManifest manifest)
    {
        response.Headers[Model] = $"{manifest.Name} {manifest.Version}";
        response.Headers[Score] = score.Score.ToString("0.######", CultureInfo.InvariantCulture);
        response.Headers[Flagged] = manifest.IsPastThreshold(score.Score) ? "true" : "false";
        if (score.Priority is not null)
            response.Headers[Priority] = score.Priority;
    }
}
