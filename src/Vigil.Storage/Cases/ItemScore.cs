namespace Vigil.Storage;

/// <summary>
/// A classifier's score of an item, kept with it: which model and version said it, the score against the model's
/// threshold, the vendor's level when it answered with one, and every label's score. A reason to look, never a finding:
/// nothing is reported on a score without a reviewer's decision.
/// </summary>
/// <param name="Model">The manifest's name.</param>
/// <param name="Version">The manifest's version.</param>
/// <param name="Score">The score label's score, 0..1.</param>
/// <param name="Threshold">The model's threshold when it was scored.</param>
/// <param name="Priority">The vendor's level (<c>VERY_LOW</c>..<c>VERY_HIGH</c>), or null.</param>
/// <param name="Labels">Every label's score.</param>
public sealed record ItemScore(string Model, string Version, double Score, double Threshold, string? Priority, IReadOnlyList<ItemLabelScore> Labels);

/// <summary>One label's score of an <see cref="ItemScore"/>.</summary>
public readonly record struct ItemLabelScore(string Label, double Score);
