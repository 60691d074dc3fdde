using Vigil.Media.Processing;
using static Vigil.Media.Tests.Processing.TestImages;

namespace Vigil.Media.Tests.Processing;

/// <summary>Letterbox and pillarbox bars, borders, canvases and fake screenshots.</summary>
public sealed class FramingEditTests
{
    private static readonly Rgb Bar = new(12, 34, 56);

    /// <summary>Every pixel of <paramref name="image"/> outside the given rectangle is <paramref name="colour"/>.</summary>
    private static void AssertOnlyColourOutside(RgbImage image, int x, int y, int width, int height, Rgb colour)
    {
        for (var row = 0; row < image.Height; row++)
            for (var column = 0; column < image.Width; column++)
            {
                var inside = column >= x && column < x + width && row >= y && row < y + height;
                if (!inside)
                    Assert.True(At(image, column, row) == colour, $"pixel ({column},{row}) is {At(image, column, row)}, not {colour}");
            }
    }

    [Fact]
    public void Letterbox_adds_bars_of_the_fraction_of_the_height_above_and_below()
    {
        using var image = Random(40, 30, 1);
        using var boxed = ImageEdits.Letterbox(image, 0.1, Bar);
        Assert.Equal((40, 36), (boxed.Width, boxed.Height));
        Assert.True(ContainsAt(boxed, image, 0, 3));
        AssertOnlyColourOutside(boxed, 0, 3, 40, 30, Bar);
    }

    [Fact]
    public void Bars_round_half_away_from_zero()
    {
        using var image = Random(40, 30, 1);
        using var boxed = ImageEdits.Letterbox(image, 0.05, Bar); // 1.5 rows
        Assert.Equal(34, boxed.Height);
        using var none = ImageEdits.Letterbox(image, 0, Bar);
        Assert.True(none.Pixels.SequenceEqual(image.Pixels));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageEdits.Letterbox(image, -0.1, Bar));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageEdits.Pillarbox(image, double.NaN, Bar));
    }

    [Fact]
    public void Pillarbox_adds_bars_of_the_fraction_of_the_width_left_and_right()
    {
        using var image = Random(40, 30, 2);
        using var boxed = ImageEdits.Pillarbox(image, 0.25, Rgb.Black);
        Assert.Equal((60, 30), (boxed.Width, boxed.Height));
        Assert.True(ContainsAt(boxed, image, 10, 0));
        AssertOnlyColourOutside(boxed, 10, 0, 40, 30, Rgb.Black);
    }

    [Fact]
    public void A_border_surrounds_the_picture_on_all_four_sides()
    {
        using var image = Random(17, 9, 3);
        using var bordered = ImageEdits.AddBorder(image, 5, Rgb.White);
        Assert.Equal((27, 19), (bordered.Width, bordered.Height));
        Assert.True(ContainsAt(bordered, image, 5, 5));
        AssertOnlyColourOutside(bordered, 5, 5, 17, 9, Rgb.White);
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageEdits.AddBorder(image, -1, Rgb.White));
    }

    [Fact]
    public void A_picture_is_placed_unchanged_on_a_plain_canvas()
    {
        using var image = Random(20, 10, 4);
        using var page = ImageEdits.EmbedInCanvas(image, 60, 50, 7, 3, Bar);
        Assert.Equal((60, 50), (page.Width, page.Height));
        Assert.True(ContainsAt(page, image, 7, 3));
        AssertOnlyColourOutside(page, 7, 3, 20, 10, Bar);
        using var exact = ImageEdits.EmbedInCanvas(image, 20, 10, 0, 0, Bar);
        Assert.True(exact.Pixels.SequenceEqual(image.Pixels));
    }

    [Fact]
    public void A_picture_must_fit_on_its_canvas()
    {
        using var image = Random(20, 10, 4);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ImageEdits.EmbedInCanvas(image, 60, 50, 41, 0, Bar));
        Assert.Contains("does not fit on a 60x50 canvas", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageEdits.EmbedInCanvas(image, 60, 50, 0, -1, Bar));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageEdits.EmbedInCanvas(image, 60, 50, 0, 41, Bar));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageEdits.EmbedInCanvas(image, 0, 50, 0, 0, Bar));
    }

    [Theory]
    [InlineData(200, 150)]
    [InlineData(64, 48)]
    [InlineData(3, 2)]
    public void A_screenshot_holds_the_picture_unchanged_on_a_larger_page_with_text(int width, int height)
    {
        using var image = Random(width, height, 5);
        using var shot = ImageEdits.ScreenshotCanvas(image, seed: 11);
        Assert.Equal(Math.Max(width + 1, (int)Math.Round(width * 1.6, MidpointRounding.AwayFromZero)), shot.Width);
        Assert.Equal(Math.Max(height + 1, (int)Math.Round(height * 1.5, MidpointRounding.AwayFromZero)), shot.Height);
        var (x, y) = Find(shot, image);
        Assert.True(x >= 0, "the picture is not on the page unchanged");
        if (height >= 48)
        {
            // Dark text above the picture and grey text below it, on the light page.
            var page = new Rgb(240, 240, 240);
            Assert.Equal(page, At(shot, 0, 0));
            Assert.True(CountOutside(shot, x, y, width, height, p => p.R < 60, above: true) > 0, "no title above the picture");
            Assert.True(CountOutside(shot, x, y, width, height, p => p.R is > 60 and < 150, above: false) > 0, "no caption below the picture");
        }
    }

    [Fact]
    public void Screenshots_are_deterministic_from_their_seed()
    {
        using var image = Random(120, 90, 6);
        using var a = ImageEdits.ScreenshotCanvas(image, 1);
        using var b = ImageEdits.ScreenshotCanvas(image, 1);
        using var c = ImageEdits.ScreenshotCanvas(image, 2);
        Assert.True(a.Pixels.SequenceEqual(b.Pixels));
        Assert.False(a.Pixels.SequenceEqual(c.Pixels));
    }

    [Fact]
    public void Framing_edits_leave_their_input_alone()
    {
        using var image = Random(30, 20, 9);
        var before = image.Pixels.ToArray();
        ImageEdits.Letterbox(image, 0.2, Bar).Dispose();
        ImageEdits.Pillarbox(image, 0.2, Bar).Dispose();
        ImageEdits.AddBorder(image, 3, Bar).Dispose();
        ImageEdits.EmbedInCanvas(image, 50, 50, 1, 1, Bar).Dispose();
        ImageEdits.ScreenshotCanvas(image, 3).Dispose();
        Assert.Equal(before, image.Pixels.ToArray());
    }

    private static (int X, int Y) Find(RgbImage outer, RgbImage inner)
    {
        for (var y = 0; y + inner.Height <= outer.Height; y++)
            for (var x = 0; x + inner.Width <= outer.Width; x++)
                if (ContainsAt(outer, inner, x, y))
                    return (x, y);
        return (-1, -1);
    }

    private static int CountOutside(RgbImage shot, int x, int y, int width, int height, Func<Rgb, bool> match, bool above)
    {
        var count = 0;
        var (from, to) = above ? (0, y) : (y + height, shot.Height);
        for (var row = from; row < to; row++)
            for (var column = 0; column < shot.Width; column++)
                if (match(At(shot, column, row)))
                    count++;
        return count;
    }
}
