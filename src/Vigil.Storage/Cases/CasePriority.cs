namespace Vigil.Storage;

/// <summary>
/// The queue's order (docs/review.md): a known match classified A1 before A2, B1, B2, then an
/// unlabelled known match, then a classifier's score, then a user report; oldest first within one.
/// Lower numbers are more urgent; a case has its most urgent item's number.
/// </summary>
public static class CasePriority
{
    /// <summary>A match of an entry classified A1.</summary>
    public const int A1 = 1;

    /// <summary>A match of an entry classified A2.</summary>
    public const int A2 = 2;

    /// <summary>A match of an entry classified B1.</summary>
    public const int B1 = 3;

    /// <summary>A match of an entry classified B2.</summary>
    public const int B2 = 4;

    /// <summary>A match of an entry with no classification.</summary>
    public const int UnlabelledMatch = 5;

    /// <summary>No match; a classifier scored it.</summary>
    public const int Classifier = 6;

    /// <summary>No match; a person reported it (or another reason).</summary>
    public const int Lowest = 7;

    /// <summary>The priority of an item with these matches (and, without any, this reason).</summary>
    public static int Of(IReadOnlyList<CaseMatch> matches, string? reason) => Of(matches, classified: false, reason);

    /// <summary>
    /// The priority of an item by what raised it, most telling first: its matches; else a classifier's score past its
    /// threshold (<paramref name="classified"/>), whatever reason the platform gave; else its reason.
    /// </summary>
    public static int Of(IReadOnlyList<CaseMatch> matches, bool classified, string? reason)
    {
        ArgumentNullException.ThrowIfNull(matches);
        int best = matches.Count > 0 ? UnlabelledMatch : classified || reason == "classifier" ? Classifier : Lowest;
        foreach (var match in matches)
        {
            int rank = OfClassification(match.Classification);
            if (rank < best)
                best = rank;
        }
        return best;
    }

    /// <summary>The priority a classification gives (A1 to B2), or <see cref="UnlabelledMatch"/> for anything else.</summary>
    public static int OfClassification(string? classification) => classification switch
    {
        "A1" => A1,
        "A2" => A2,
        "B1" => B1,
        "B2" => B2,
        _ => UnlabelledMatch,
    };

    /// <summary>The priority's name, as the queue shows it.</summary>
    public static string Name(int priority) => priority switch
    {
        A1 => "A1 match",
        A2 => "A2 match",
        B1 => "B1 match",
        B2 => "B2 match",
        UnlabelledMatch => "known match",
        Classifier => "classifier",
        _ => "report",
    };
}
