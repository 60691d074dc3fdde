using Vigil.Media.Charts;
using Vigil.Media.Processing;
using static Vigil.Media.Tests.Processing.TestImages;

namespace Vigil.Media.Tests.Processing;

/// <summary>The PNG bar chart, read back through our decoder and measured by its colours.</summary>
public sealed class BarChartTests
{
    private static readonly Rgb Background = Rgb.White;

    private static readonly BarChartData Sample = new(
        "Recall by transform",
        ["full", "half", "none"],
        [new BarSeries("pdq", [1.0, 0.5, double.NaN]), new BarSeries("dihedral", [0.25, double.NaN, double.NaN])]);

    private static RgbImage RenderAndDecode(BarChartData data, int width, int height)
    {
        using var png = new MemoryStream();
        BarChart.RenderPng(data, png, width, height);
        using var decoder = new ImageDecoder();
        var image = decoder.Decode(png.ToArray());
        Assert.Equal(ImageFormat.Png, image.SourceFormat);
        return image;
    }

    /// <summary>Rows drawn across most of the width: the grid lines and the x axis, top to bottom.</summary>
    private static List<int> GridRows(RgbImage chart)
    {
        var rows = new List<int>();
        for (var y = 0; y < chart.Height; y++)
        {
            var drawn = 0;
            for (var x = 0; x < chart.Width; x++)
                if (At(chart, x, y) != Background)
                    drawn++;
            if (drawn > chart.Width * 0.7)
                rows.Add(y);
        }
        return rows;
    }

    /// <summary>The bars of one colour between two rows: (left, right, top, bottom) of each run of columns.</summary>
    private static List<(int Left, int Right, int Top, int Bottom)> Bars(RgbImage chart, Rgb colour, int fromRow, int toRow)
    {
        var bars = new List<(int, int, int, int)>();
        int? start = null;
        int top = int.MaxValue, bottom = -1;
        for (var x = 0; x <= chart.Width; x++)
        {
            int columnTop = int.MaxValue, columnBottom = -1;
            if (x < chart.Width)
                for (var y = fromRow; y <= toRow; y++)
                    if (At(chart, x, y) == colour)
                        (columnTop, columnBottom) = (Math.Min(columnTop, y), Math.Max(columnBottom, y));
            if (columnBottom >= 0)
            {
                start ??= x;
                (top, bottom) = (Math.Min(top, columnTop), Math.Max(bottom, columnBottom));
            }
            else if (start is { } left)
            {
                bars.Add((left, x - 1, top, bottom));
                (start, top, bottom) = (null, int.MaxValue, -1);
            }
        }
        return bars;
    }

    [Theory]
    [InlineData(BarChart.DefaultWidth, BarChart.DefaultHeight)]
    [InlineData(640, 360)]
    public void Bars_stand_on_the_axis_and_one_reaches_the_100_percent_line(int width, int height)
    {
        using var chart = RenderAndDecode(Sample, width, height);
        Assert.Equal((width, height), (chart.Width, chart.Height));

        var grid = GridRows(chart);
        Assert.Equal(6, grid.Count); // 20%, 40%, ..., 100% and the axis at 0%
        var (full, axis) = (grid[0], grid[^1]);
        var plot = axis - full;
        for (var step = 0; step <= 5; step++)
            Assert.InRange(grid[5 - step], axis - (plot * step / 5.0) - 1, axis - (plot * step / 5.0) + 1);

        var pdq = Bars(chart, BarChart.SeriesColours[0], full, axis);
        var dihedral = Bars(chart, BarChart.SeriesColours[1], full, axis);
        Assert.Equal(2, pdq.Count); // "none" has no bar
        Assert.Single(dihedral);
        Assert.Equal(full, pdq[0].Top);
        Assert.Equal(axis - 1, pdq[0].Bottom);
        Assert.Equal(axis - 1, pdq[1].Bottom);
        Assert.InRange(axis - pdq[1].Top, (plot / 2.0) - 1, (plot / 2.0) + 1);
        Assert.InRange(axis - dihedral[0].Top, (plot / 4.0) - 1, (plot / 4.0) + 1);
        // Each group's bars side by side, series in order, and the groups left to right.
        Assert.True(pdq[0].Right < dihedral[0].Left && dihedral[0].Right < pdq[1].Left);
    }

    [Fact]
    public void The_legend_title_and_labels_are_drawn()
    {
        using var chart = BarChart.Render(Sample);
        var grid = GridRows(chart);
        // The legend's swatches sit above the plot.
        Assert.NotEmpty(Bars(chart, BarChart.SeriesColours[0], 0, grid[0] - 1));
        Assert.NotEmpty(Bars(chart, BarChart.SeriesColours[1], 0, grid[0] - 1));
        var textBelowAxis = 0;
        for (var y = grid[^1] + 2; y < chart.Height; y++)
            for (var x = 0; x < chart.Width; x++)
                if (At(chart, x, y) != Background)
                    textBelowAxis++;
        Assert.True(textBelowAxis > 100, "no category labels under the axis");
    }

    [Fact]
    public void Thirty_long_categories_and_five_series_fit()
    {
        var categories = Enumerable.Range(0, 30).Select(i => $"transform-number-{i}-with-a-long-name").ToList();
        var random = new Random(3);
        var series = Enumerable.Range(0, 5)
            .Select(s => new BarSeries($"mode{s}", categories.Select(_ => 0.05 + (0.95 * random.NextDouble())).ToList()))
            .ToList();
        using var chart = BarChart.Render(new BarChartData("Many", categories, series));
        var grid = GridRows(chart);
        Assert.Equal(6, grid.Count);
        for (var s = 0; s < 5; s++)
            Assert.Equal(30, Bars(chart, BarChart.SeriesColours[s], grid[0], grid[^1]).Count);
    }

    [Fact]
    public void The_series_colours_are_distinct_and_unlike_the_background()
    {
        Assert.Equal(5, BarChart.SeriesColours.Distinct().Count());
        Assert.DoesNotContain(Background, BarChart.SeriesColours);
    }

    [Fact]
    public void Inconsistent_data_is_refused()
    {
        var mismatch = Assert.Throws<ArgumentException>(() => BarChart.Render(
            new BarChartData("t", ["a", "b"], [new BarSeries("pdq", [0.5])])));
        Assert.Contains("\"pdq\" has 1 values but the chart has 2 categories", mismatch.Message);
        Assert.Throws<ArgumentException>(() => BarChart.Render(new BarChartData("t", ["a"], [new BarSeries("pdq", [1.5])])));
        Assert.Throws<ArgumentException>(() => BarChart.Render(new BarChartData("t", ["a"], [new BarSeries("pdq", [-0.1])])));
        Assert.Throws<ArgumentException>(() => BarChart.Render(new BarChartData("t", [], [])));
        var six = Enumerable.Range(0, 6).Select(i => new BarSeries($"s{i}", [0.5])).ToList();
        Assert.Throws<ArgumentException>(() => BarChart.Render(new BarChartData("t", ["a"], six)));
        Assert.Throws<ArgumentOutOfRangeException>(() => BarChart.Render(Sample, 100, 600));
        Assert.Throws<ArgumentException>(() => BarChart.RenderPng(Sample, new MemoryStream([], writable: false)));
    }
}
