using Vigil.Media.Encoders;
using Vigil.Media.Processing;

namespace Vigil.Media.Charts;

/// <summary>
/// Draws a grouped bar chart of fractions, such as recall per image transform and matching mode, as an image or a
/// PNG file, in managed code with <see cref="BitmapFont"/>. From the top: the title, a legend of the series'
/// colours, then the plot: a y axis from 0 to 100% with a grid line and a label every 20%, and along the x axis one
/// group of bars per category (one bar per series, in <see cref="SeriesColours"/> order) with the category's name
/// under it, turned a quarter turn anticlockwise so that it reads upwards and ends at the axis. A value v is a bar
/// round(v × plot height) pixels tall, standing on the 0% line, so 1 reaches the 100% grid line; names too long for
/// the space below the plot (35% of the height) are cut short.
/// </summary>
public static class BarChart
{
    /// <summary>The default width in pixels: room for about 30 categories.</summary>
    public const int DefaultWidth = 1400;

    /// <summary>The default height in pixels.</summary>
    public const int DefaultHeight = 600;

    /// <summary>The smallest width or height accepted.</summary>
    public const int MinSide = 200;

    /// <summary>The largest width or height accepted.</summary>
    public const int MaxSide = 16_384;

    private const int Margin = 16;
    private const int Gap = 8;
    private const int TitleScale = 3;
    private const int TextScale = 2;
    private const double MaxLabelShare = 0.35;

    /// <summary>Room at the left of each group, and at its right, as a fraction of the group's width.</summary>
    private const double GroupPadding = 0.125;

    private static readonly Rgb s_background = new(255, 255, 255);
    private static readonly Rgb s_grid = new(225, 225, 225);
    private static readonly Rgb s_axis = new(90, 90, 90);
    private static readonly Rgb s_text = new(30, 30, 30);

    /// <summary>
    /// The series' colours, in order: blue, orange, bluish green, vermilion and reddish purple from Okabe and Ito's
    /// palette, which stays distinguishable with the common forms of colour blindness. None of them is used for
    /// anything else in the chart.
    /// </summary>
    public static IReadOnlyList<Rgb> SeriesColours { get; } =
    [
        new(0, 114, 178),
        new(230, 159, 0),
        new(0, 158, 115),
        new(213, 94, 0),
        new(204, 121, 167),
    ];

    /// <summary>Draws the chart and writes it to <paramref name="output"/> as a truecolour PNG.</summary>
    /// <param name="data">What to draw.</param>
    /// <param name="output">Where to write the PNG; left open.</param>
    /// <param name="width">Width in pixels, <see cref="MinSide"/> to <see cref="MaxSide"/>.</param>
    /// <param name="height">Height in pixels, <see cref="MinSide"/> to <see cref="MaxSide"/>.</param>
    /// <exception cref="ArgumentException">The data is inconsistent (see <see cref="Render"/>) or
    /// <paramref name="output"/> is not writable.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The size is out of range or too small for the categories.</exception>
    public static void RenderPng(BarChartData data, Stream output, int width = DefaultWidth, int height = DefaultHeight)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!output.CanWrite)
        {
            throw new ArgumentException("the output stream is not writable", nameof(output));
        }

        using var image = Render(data, width, height);
        output.Write(RgbPngEncoder.Encode(image.Pixels, image.Width, image.Height));
    }

    /// <summary>Draws the chart into a new image.</summary>
    /// <param name="data">What to draw.</param>
    /// <param name="width">Width in pixels, <see cref="MinSide"/> to <see cref="MaxSide"/>.</param>
    /// <param name="height">Height in pixels, <see cref="MinSide"/> to <see cref="MaxSide"/>.</param>
    /// <returns>The chart; the caller disposes it.</returns>
    /// <exception cref="ArgumentException">There are no categories, no series or more series than
    /// <see cref="SeriesColours"/>, a series does not have one value per category, or a value is neither NaN nor
    /// within 0..1.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The size is out of range or too small for the categories.</exception>
    public static RgbImage Render(BarChartData data, int width = DefaultWidth, int height = DefaultHeight)
    {
        Validate(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, MinSide);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, MaxSide);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, MinSide);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, MaxSide);

        // Measure everything first, so that a chart that cannot fit fails before any drawing.
        var titleScale = TitleScale;
        while (titleScale > 1 && InkWidth(data.Title.Length, titleScale) > width - (2 * Margin))
        {
            titleScale--;
        }

        var titleHeight = data.Title.Length == 0 ? 0 : BitmapFont.GlyphHeight * titleScale;
        var legendScale = LegendWidth(data.Series, TextScale) <= width - (2 * Margin) ? TextScale : 1;
        var legendTop = Margin + (titleHeight == 0 ? 0 : titleHeight + Gap);
        var legendHeight = BitmapFont.GlyphHeight * legendScale;
        // Room for half of the "100%" label, which is centred on the top grid line.
        var plotTop = legendTop + legendHeight + (2 * Gap) + (BitmapFont.GlyphHeight * TextScale / 2);
        var plotLeft = Margin + InkWidth("100%".Length, TextScale) + Gap;
        var plotWidth = width - Margin - plotLeft;
        var categories = data.Categories.Count;
        var groupWidth = (double)plotWidth / categories;

        var labelScale = groupWidth >= (BitmapFont.GlyphHeight * TextScale) + 4 ? TextScale : 1;
        var longestLabel = 0;
        foreach (var category in data.Categories)
        {
            longestLabel = Math.Max(longestLabel, category.Length);
        }

        var labelRoom = (int)(height * MaxLabelShare);
        if (longestLabel * BitmapFont.Advance * labelScale > labelRoom)
        {
            labelScale = 1;
        }

        var labelCharacters = Math.Min(longestLabel, labelRoom / (BitmapFont.Advance * labelScale));
        var axisY = height - Margin - (labelCharacters * BitmapFont.Advance * labelScale) - Gap;
        var plotHeight = axisY - plotTop;
        if (plotHeight < 20 || groupWidth < 1)
        {
            throw new ArgumentOutOfRangeException(
                plotHeight < 20 ? nameof(height) : nameof(width),
                $"a {width}x{height} chart is too small for its title, legend, labels and {categories} categories");
        }

        var image = RgbImage.Allocate(width, height, ImageFormat.Unknown);
        var canvas = image.WritablePixels;
        RgbDrawing.Fill(canvas, s_background);
        if (titleHeight > 0)
        {
            BitmapFont.Draw(canvas, width, height, (width - InkWidth(data.Title.Length, titleScale)) / 2, Margin, data.Title, titleScale, s_text);
        }

        DrawLegend(canvas, width, height, data.Series, legendTop, legendScale);
        DrawGrid(canvas, width, height, plotLeft, plotWidth, axisY, plotHeight);
        DrawBars(canvas, width, height, data.Series, plotLeft, groupWidth, axisY, plotHeight);
        // The axes go over the bars' feet, and the 0% line is the x axis.
        RgbDrawing.FillRect(canvas, width, height, plotLeft, axisY, plotWidth, 1, s_axis);
        RgbDrawing.FillRect(canvas, width, height, plotLeft - 1, axisY - plotHeight, 1, plotHeight + 1, s_axis);
        for (var i = 0; i < categories; i++)
        {
            var label = data.Categories[i].AsSpan(0, Math.Min(data.Categories[i].Length, labelCharacters));
            var centre = plotLeft + ((i + 0.5) * groupWidth);
            var left = (int)Math.Round(centre - (BitmapFont.GlyphHeight * labelScale / 2.0));
            // The last glyph's blank column sits in the gap, so the ink ends Gap pixels below the axis.
            DrawUpwards(canvas, width, height, left, axisY + Gap - labelScale, label, labelScale, s_text);
        }

        return image;
    }

    private static void Validate(BarChartData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Title is null || data.Categories is null || data.Series is null)
        {
            throw new ArgumentException("the chart needs a title (may be empty), categories and series", nameof(data));
        }

        if (data.Categories.Count == 0)
        {
            throw new ArgumentException("the chart has no categories", nameof(data));
        }

        if (data.Series.Count == 0 || data.Series.Count > SeriesColours.Count)
        {
            throw new ArgumentException($"the chart has {data.Series.Count} series; it can show 1 to {SeriesColours.Count}", nameof(data));
        }

        foreach (var category in data.Categories)
        {
            if (category is null)
            {
                throw new ArgumentException("a category name is null", nameof(data));
            }
        }

        foreach (var series in data.Series)
        {
            if (series?.Name is null || series.Values is null)
            {
                throw new ArgumentException("a series, its name or its values are null", nameof(data));
            }

            if (series.Values.Count != data.Categories.Count)
            {
                throw new ArgumentException(
                    $"series \"{series.Name}\" has {series.Values.Count} values but the chart has {data.Categories.Count} categories",
                    nameof(data));
            }

            for (var i = 0; i < series.Values.Count; i++)
            {
                var value = series.Values[i];
                if (!double.IsNaN(value) && !(value >= 0 && value <= 1))
                {
                    throw new ArgumentException(
                        $"series \"{series.Name}\" has {value} for \"{data.Categories[i]}\"; values must be within 0..1, or NaN for no bar",
                        nameof(data));
                }
            }
        }
    }

    /// <summary>Pixels from the first glyph's left edge to the last glyph's right edge.</summary>
    private static int InkWidth(int characters, int scale) => characters == 0 ? 0 : ((characters * BitmapFont.Advance) - 1) * scale;

    /// <summary>Each series is a square swatch, a short space and its name; entries are four glyphs apart.</summary>
    private static int LegendWidth(IReadOnlyList<BarSeries> series, int scale)
    {
        var total = 0;
        foreach (var entry in series)
        {
            total += ((BitmapFont.GlyphHeight + 3) * scale) + InkWidth(entry.Name.Length, scale);
        }

        return total + ((series.Count - 1) * 4 * BitmapFont.Advance * scale);
    }

    private static void DrawLegend(Span<byte> canvas, int width, int height, IReadOnlyList<BarSeries> series, int top, int scale)
    {
        var x = (width - LegendWidth(series, scale)) / 2;
        var swatch = BitmapFont.GlyphHeight * scale;
        for (var s = 0; s < series.Count; s++)
        {
            RgbDrawing.FillRect(canvas, width, height, x, top, swatch, swatch, SeriesColours[s]);
            x += swatch + (3 * scale);
            BitmapFont.Draw(canvas, width, height, x, top, series[s].Name, scale, s_text);
            x += InkWidth(series[s].Name.Length, scale) + (4 * BitmapFont.Advance * scale);
        }
    }

    private static void DrawGrid(Span<byte> canvas, int width, int height, int plotLeft, int plotWidth, int axisY, int plotHeight)
    {
        for (var step = 0; step <= 5; step++)
        {
            var y = GridY(axisY, plotHeight, step);
            if (step > 0)
            {
                RgbDrawing.FillRect(canvas, width, height, plotLeft, y, plotWidth, 1, s_grid);
            }

            var label = step switch
            {
                0 => "0%",
                1 => "20%",
                2 => "40%",
                3 => "60%",
                4 => "80%",
                _ => "100%",
            };
            var labelLeft = plotLeft - Gap - InkWidth(label.Length, TextScale);
            BitmapFont.Draw(canvas, width, height, labelLeft, y - (BitmapFont.GlyphHeight * TextScale / 2), label, TextScale, s_text);
        }
    }

    /// <summary>The row of the grid line for step × 20%.</summary>
    private static int GridY(int axisY, int plotHeight, int step) =>
        axisY - (int)Math.Round(plotHeight * step / 5.0, MidpointRounding.AwayFromZero);

    private static void DrawBars(
        Span<byte> canvas, int width, int height, IReadOnlyList<BarSeries> series, int plotLeft, double groupWidth, int axisY, int plotHeight)
    {
        var barWidth = groupWidth * (1 - (2 * GroupPadding)) / series.Count;
        // Wide bars get a one-pixel gap between them, so that neighbours stay apart.
        var separation = barWidth >= 6 ? 1 : 0;
        var categories = series[0].Values.Count;
        for (var i = 0; i < categories; i++)
        {
            var barsLeft = plotLeft + ((i + GroupPadding) * groupWidth);
            for (var s = 0; s < series.Count; s++)
            {
                var value = series[s].Values[i];
                if (double.IsNaN(value))
                {
                    continue;
                }

                var left = (int)Math.Round(barsLeft + (s * barWidth));
                var right = Math.Max(left + 1, (int)Math.Round(barsLeft + ((s + 1) * barWidth)) - separation);
                var barHeight = (int)Math.Round(value * plotHeight, MidpointRounding.AwayFromZero);
                RgbDrawing.FillRect(canvas, width, height, left, axisY - barHeight, right - left, barHeight, SeriesColours[s]);
            }
        }
    }

    /// <summary>
    /// Draws <paramref name="text"/> turned a quarter turn anticlockwise (reading upwards), in the columns from
    /// <paramref name="left"/> and the rows from <paramref name="top"/>: its end (the last glyph's blank column) is at
    /// the top.
    /// </summary>
    private static void DrawUpwards(Span<byte> canvas, int width, int height, int left, int top, ReadOnlySpan<char> text, int scale, Rgb colour)
    {
        var length = text.Length * BitmapFont.Advance * scale;
        for (var i = 0; i < text.Length; i++)
        {
            var glyph = BitmapFont.Glyph(text[i]);
            for (var row = 0; row < BitmapFont.GlyphHeight; row++)
            {
                for (var column = 0; column < BitmapFont.GlyphWidth; column++)
                {
                    if (BitmapFont.IsSet(glyph[row], column))
                    {
                        // Along the text becomes up the image; down the glyph becomes right.
                        var y = top + length - (((i * BitmapFont.Advance) + column + 1) * scale);
                        RgbDrawing.FillRect(canvas, width, height, left + (row * scale), y, scale, scale, colour);
                    }
                }
            }
        }
    }
}
