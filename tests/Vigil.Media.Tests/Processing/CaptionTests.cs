using Vigil.Media.Processing;
using static Vigil.Media.Tests.Processing.TestImages;

namespace Vigil.Media.Tests.Processing;

/// <summary>Meme-style captions burnt into the picture.</summary>
public sealed class CaptionTests
{
    private static readonly Rgb Grey = new(120, 130, 140);

    /// <summary>The rows and columns where the two images differ (first, last), or null when they are equal.</summary>
    private static (int Top, int Bottom, int Left, int Right)? Changed(RgbImage a, RgbImage b)
    {
        int top = int.MaxValue, bottom = -1, left = int.MaxValue, right = -1;
        for (var y = 0; y < a.Height; y++)
            for (var x = 0; x < a.Width; x++)
                if (At(a, x, y) != At(b, x, y))
                {
                    (top, bottom) = (Math.Min(top, y), Math.Max(bottom, y));
                    (left, right) = (Math.Min(left, x), Math.Max(right, x));
                }
        return bottom < 0 ? null : (top, bottom, left, right);
    }

    [Theory]
    [InlineData(CaptionPosition.Top)]
    [InlineData(CaptionPosition.Bottom)]
    public void A_caption_changes_only_its_band_in_white_and_black(CaptionPosition position)
    {
        const int w = 480, h = 320;
        using var image = Uniform(w, h, Grey);
        using var captioned = ImageEdits.DrawCaption(image, "HELLO WORLD", position);
        var band = Changed(image, captioned) ?? throw new Xunit.Sdk.XunitException("nothing was drawn");
        // About an eighth of the height, plus the outline, near the chosen edge.
        Assert.InRange(band.Bottom - band.Top + 1, h / 10, h / 5);
        if (position == CaptionPosition.Top)
            Assert.InRange(band.Top, 1, h / 20);
        else
            Assert.InRange(h - 1 - band.Bottom, 1, h / 20);
        // Centred across.
        Assert.InRange(band.Left - (w - 1 - band.Right), -2, 2);
        int white = 0, black = 0;
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
            {
                var pixel = At(captioned, x, y);
                if (pixel == Grey)
                    continue;
                Assert.InRange(y, band.Top, band.Bottom);
                if (pixel == Rgb.White) white++;
                else if (pixel == Rgb.Black) black++;
                else Assert.Fail($"pixel ({x},{y}) is {pixel}, neither white text nor black outline");
            }
        Assert.True(white > 500 && black > 500, $"{white} white and {black} black pixels");
    }

    [Fact]
    public void The_outline_surrounds_the_text()
    {
        using var image = Uniform(200, 160, Grey);
        using var captioned = ImageEdits.DrawCaption(image, "I", CaptionPosition.Top);
        // Every white pixel's neighbours are white or black: the text never touches the picture directly.
        for (var y = 1; y < 159; y++)
            for (var x = 1; x < 199; x++)
                if (At(captioned, x, y) == Rgb.White)
                    foreach (var (dx, dy) in new[] { (-1, 0), (1, 0), (0, -1), (0, 1) })
                        Assert.NotEqual(Grey, At(captioned, x + dx, y + dy));
    }

    [Fact]
    public void A_long_caption_is_drawn_smaller_to_fit()
    {
        using var image = Uniform(300, 240, Grey);
        using var shortCaption = ImageEdits.DrawCaption(image, "HI", CaptionPosition.Bottom);
        using var longCaption = ImageEdits.DrawCaption(image, "THIS CAPTION IS FAR TOO LONG FOR THE PICTURE", CaptionPosition.Bottom);
        var small = Changed(image, shortCaption)!.Value;
        var large = Changed(image, longCaption)!.Value;
        Assert.True(large.Bottom - large.Top < small.Bottom - small.Top, "the long caption was not scaled down");
        Assert.True(large.Left > 0 && large.Right < 299, "the long caption does not fit");
    }

    [Fact]
    public void An_empty_caption_copies_and_the_input_is_left_alone()
    {
        using var image = Random(50, 40, 3);
        var before = image.Pixels.ToArray();
        using var empty = ImageEdits.DrawCaption(image, "", CaptionPosition.Top);
        Assert.True(empty.Pixels.SequenceEqual(image.Pixels));
        ImageEdits.DrawCaption(image, "text", CaptionPosition.Top).Dispose();
        Assert.Equal(before, image.Pixels.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageEdits.DrawCaption(image, "x", (CaptionPosition)9));
    }

    [Fact]
    public void Tiny_images_get_a_clipped_caption_without_failing()
    {
        using var image = Uniform(3, 2, Grey);
        using var captioned = ImageEdits.DrawCaption(image, "TINY", CaptionPosition.Bottom);
        Assert.Equal((3, 2), (captioned.Width, captioned.Height));
    }
}
