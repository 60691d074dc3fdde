namespace Vigil.Classifiers;

/// <summary>
/// What a classifier said about one image: a 0..1 score per label (in the manifest's order), the score of the label that
/// routes to review, and for a vendor that answers with a level instead, that level (<see cref="PriorityLevels"/>).
/// A score is a reason to have a person look, never a finding: nothing is reported on a score alone.
/// </summary>
/// <param name="Labels">The scores per label, in the manifest's order (a priority answer gives only the score label's).</param>
/// <param name="Score">The score label's score, 0..1.</param>
/// <param name="Priority">The vendor's level when it answered with one (<c>VERY_LOW</c>..<c>VERY_HIGH</c>); null otherwise.</param>
public sealed record MediaScore(IReadOnlyList<LabelScore> Labels, double Score, string? Priority = null);

/// <summary>One label's score.</summary>
public readonly record struct LabelScore(string Label, double Score);
