namespace Vigil.Media.Charts;

/// <summary>One series of a <see cref="BarChart"/>: a value for each category, drawn as bars of one colour.</summary>
/// <param name="Name">The series' name, shown in the legend (e.g. "pdq").</param>
/// <param name="Values">One value per category, in the categories' order: 0..1 (drawn as 0..100%), or
/// <see cref="double.NaN"/> for no bar.</param>
public sealed record BarSeries(string Name, IReadOnlyList<double> Values);
