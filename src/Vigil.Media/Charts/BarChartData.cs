namespace Vigil.Media.Charts;

/// <summary>What a <see cref="BarChart"/> shows: a group of bars per category, one bar per series.</summary>
/// <param name="Title">The title above the chart.</param>
/// <param name="Categories">The categories along the x axis, left to right (e.g. transform names), at least one.</param>
/// <param name="Series">The series, at most <see cref="BarChart.SeriesColours"/>.Count, each with exactly one value per category.</param>
public sealed record BarChartData(string Title, IReadOnlyList<string> Categories, IReadOnlyList<BarSeries> Series);
