using FsCheck;
using FsCheck.Fluent;
using Vigil.Media.Processing;
using static Vigil.Media.Tests.Processing.TestImages;

namespace Vigil.Media.Tests.Processing;

/// <summary>Crops, resizes, quarter turns, mirroring and free rotation, against their definitions.</summary>
public sealed class GeometryEditTests
{
    private static readonly Rgb Fill = new(255, 0, 255);

    [Fact]
    public void ShrinkToFit_keeps_the_shape_and_leaves_small_images_alone()
    {
        using var wide = Smooth(400, 150);
        using var shrunk = ImageEdits.ShrinkToFit(wide, 100);
        Assert.Equal((100, 38), (shrunk!.Width, shrunk.Height));
        using var resized = ImageEdits.Resize(wide, 100, 38);
        Assert.Equal(resized.Pixels.ToArray(), shrunk.Pixels.ToArray());
        Assert.Null(ImageEdits.ShrinkToFit(wide, 400));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageEdits.ShrinkToFit(wide, 0));
    }

    [Fact]
    public void Crop_copies_exactly_the_rectangle()
    {
        using var image = Distinct(4, 3);
        using var crop = ImageEdits.Crop(image, 1, 1, 2, 2);
        Assert.Equal((2, 2), (crop.Width, crop.Height));
        Assert.Equal([1, 1, 20, 2, 1, 27, 1, 2, 33, 2, 2, 40], crop.Pixels.ToArray());
    }

    [Fact]
    public void Crop_refuses_rectangles_outside_the_image()
    {
        using var image = Distinct(4, 3);
        var outside = Assert.Throws<ArgumentOutOfRangeException>(() => ImageEdits.Crop(image, 3, 0, 2, 1));
        Assert.Contains("does not lie inside the 4x3 image", outside.Message);
        Assert.Equal("x", outside.ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentOutOfRangeException>(() => ImageEdits.Crop(image, 0, 2, 1, 2)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageEdits.Crop(image, -1, 0, 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageEdits.Crop(image, 0, 0, 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageEdits.Crop(image, 0, 0, 1, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageEdits.Crop(image, 1, 0, int.MaxValue, 1));
    }

    [Fact]
    public void Any_crop_is_the_source_sub_rectangle()
    {
        var crops = from width in Gen.Choose(1, 60)
                    from height in Gen.Choose(1, 60)
                    from x in Gen.Choose(0, width - 1)
                    from y in Gen.Choose(0, height - 1)
                    from w in Gen.Choose(1, width - x)
                    from h in Gen.Choose(1, height - y)
                    from seed in Gen.Choose(0, int.MaxValue)
                    select (width, height, x, y, w, h, seed);
        Prop.ForAll(Arb.From(crops), t =>
        {
            using var image = Random(t.width, t.height, t.seed);
            using var crop = ImageEdits.Crop(image, t.x, t.y, t.w, t.h);
            Assert.Equal((t.w, t.h), (crop.Width, crop.Height));
            for (var row = 0; row < t.h; row++)
                for (var column = 0; column < t.w; column++)
                    Assert.Equal(At(image, t.x + column, t.y + row), At(crop, column, row));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(100));
    }

    [Fact]
    public void A_tenth_centre_crop_of_100x80_is_90x72_from_5_4()
    {
        using var image = Distinct(100, 80);
        using var crop = ImageEdits.CropFraction(image, 0.1, CropAnchor.Centre);
        Assert.Equal((90, 72), (crop.Width, crop.Height));
        Assert.True(ContainsAt(image, crop, 5, 4));
        using var corner = ImageEdits.CropFraction(image, 0.1, CropAnchor.TopLeft);
        Assert.Equal((90, 72), (corner.Width, corner.Height));
        Assert.True(ContainsAt(image, corner, 0, 0));
    }

    [Fact]
    public void Crop_fractions_keep_the_right_size_and_place()
    {
        var cases = from width in Gen.Choose(1, 250)
                    from height in Gen.Choose(1, 250)
                    from thousandths in Gen.Choose(0, 999)
                    from centre in Gen.Elements(true, false)
                    select (width, height, fraction: thousandths / 1000.0, anchor: centre ? CropAnchor.Centre : CropAnchor.TopLeft);
        Prop.ForAll(Arb.From(cases), t =>
        {
            using var image = Distinct(t.width, t.height);
            using var crop = ImageEdits.CropFraction(image, t.fraction, t.anchor);
            CheckKept(t.width, crop.Width, t.fraction);
            CheckKept(t.height, crop.Height, t.fraction);
            // Distinct encodes x in red and y in green, so the first pixel says where the crop came from.
            var origin = At(crop, 0, 0);
            CheckOffset(t.width, crop.Width, origin.R, t.anchor);
            CheckOffset(t.height, crop.Height, origin.G, t.anchor);
            Assert.True(ContainsAt(image, crop, origin.R, origin.G));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(200));

        static void CheckKept(int length, int kept, double fraction)
        {
            Assert.InRange(kept, 1, length);
            if (kept > 1)
                Assert.InRange(kept, (length * (1 - fraction)) - 0.5000001, (length * (1 - fraction)) + 0.5000001);
        }

        static void CheckOffset(int length, int kept, int offset, CropAnchor anchor)
        {
            if (anchor == CropAnchor.TopLeft)
                Assert.Equal(0, offset);
            else
                Assert.InRange(length - kept - offset - offset, 0, 1); // the odd one comes off the far side
        }
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void Crop_fractions_outside_0_to_1_are_refused(double fraction)
    {
        using var image = Distinct(10, 10);
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageEdits.CropFraction(image, fraction, CropAnchor.Centre));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageEdits.CropFraction(image, 0.1, (CropAnchor)7));
    }

    [Fact]
    public void Halving_averages_each_2x2_block()
    {
        using var image = FromRows(4, 2,
            0, 0, 0, 100, 10, 1, 200, 20, 2, 255, 30, 3,
            50, 5, 0, 51, 6, 1, 0, 0, 0, 1, 255, 255);
        using var half = ImageEdits.Resize(image, 2, 1);
        // (0 + 100 + 50 + 51) / 4 = 50.25; (200 + 255 + 0 + 1) / 4 = 114; (20 + 30 + 0 + 255) / 4 = 76.25
        Assert.Equal([50, 5, 1, 114, 76, 65], half.Pixels.ToArray());
    }

    [Fact]
    public void Shrinking_three_to_two_weighs_the_shared_pixel_by_its_overlap()
    {
        using var image = FromRows(3, 1, 0, 0, 0, 90, 90, 90, 180, 180, 180);
        using var small = ImageEdits.Resize(image, 2, 1);
        // [0, 1.5) and [1.5, 3): (0 + 0.5 * 90) / 1.5 = 30, (0.5 * 90 + 180) / 1.5 = 150
        Assert.Equal([30, 30, 30, 150, 150, 150], small.Pixels.ToArray());
    }

    [Fact]
    public void Growing_interpolates_between_pixel_centres()
    {
        using var image = FromRows(2, 1, 0, 0, 0, 100, 200, 40);
        using var wide = ImageEdits.Resize(image, 4, 1);
        // Output centres at source positions -0.25 (clamped), 0.25, 0.75, 1.25 (clamped).
        Assert.Equal([0, 0, 0, 25, 50, 10, 75, 150, 30, 100, 200, 40], wide.Pixels.ToArray());
        using var tall = ImageEdits.Resize(image, 2, 3);
        Assert.All(Enumerable.Range(0, 3), y => Assert.Equal(new Rgb(100, 200, 40), At(tall, 1, y)));
    }

    [Fact]
    public void Resizing_to_the_same_size_copies_and_a_uniform_image_stays_uniform()
    {
        var sizes = from width in Gen.Choose(1, 40)
                    from height in Gen.Choose(1, 40)
                    from toWidth in Gen.Choose(1, 90)
                    from toHeight in Gen.Choose(1, 90)
                    from seed in Gen.Choose(0, int.MaxValue)
                    select (width, height, toWidth, toHeight, seed);
        Prop.ForAll(Arb.From(sizes), t =>
        {
            using var image = Random(t.width, t.height, t.seed);
            using var same = ImageEdits.Resize(image, t.width, t.height);
            Assert.True(same.Pixels.SequenceEqual(image.Pixels));
            var colour = new Rgb((byte)t.seed, (byte)(t.seed >> 8), (byte)(t.seed >> 16));
            using var uniform = Uniform(t.width, t.height, colour);
            using var resized = ImageEdits.Resize(uniform, t.toWidth, t.toHeight);
            Assert.Equal((t.toWidth, t.toHeight), (resized.Width, resized.Height));
            for (var y = 0; y < t.toHeight; y++)
                for (var x = 0; x < t.toWidth; x++)
                    Assert.Equal(colour, At(resized, x, y));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(100));
    }

    [Fact]
    public void Quarter_turns_move_each_pixel_where_a_clockwise_turn_puts_it()
    {
        const int w = 4, h = 3;
        using var image = Distinct(w, h);
        using var once = ImageEdits.Rotate90(image, 1);
        using var twice = ImageEdits.Rotate90(image, 2);
        using var thrice = ImageEdits.Rotate90(image, 3);
        Assert.Equal((h, w), (once.Width, once.Height));
        Assert.Equal((w, h), (twice.Width, twice.Height));
        Assert.Equal((h, w), (thrice.Width, thrice.Height));
        // The top-left corner goes to the top-right after one clockwise quarter turn.
        Assert.Equal(At(image, 0, 0), At(once, h - 1, 0));
        for (var y = 0; y < w; y++)
            for (var x = 0; x < h; x++)
            {
                Assert.Equal(At(image, y, h - 1 - x), At(once, x, y));
                Assert.Equal(At(image, w - 1 - y, x), At(thrice, x, y));
            }
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
                Assert.Equal(At(image, w - 1 - x, h - 1 - y), At(twice, x, y));
    }

    [Fact]
    public void Mirroring_reverses_each_row()
    {
        using var image = Distinct(4, 3);
        using var mirrored = ImageEdits.MirrorHorizontal(image);
        for (var y = 0; y < 3; y++)
            for (var x = 0; x < 4; x++)
                Assert.Equal(At(image, 3 - x, y), At(mirrored, x, y));
    }

    [Fact]
    public void Four_quarter_turns_and_two_mirrors_are_the_identity()
    {
        var images = from width in Gen.Choose(1, 50)
                     from height in Gen.Choose(1, 50)
                     from seed in Gen.Choose(0, int.MaxValue)
                     from turns in Gen.Choose(-5, 5)
                     select (width, height, seed, turns);
        Prop.ForAll(Arb.From(images), t =>
        {
            using var image = Random(t.width, t.height, t.seed);
            var turned = ImageEdits.Rotate90(image, 1);
            for (var i = 0; i < 3; i++)
            {
                var next = ImageEdits.Rotate90(turned, 1);
                turned.Dispose();
                turned = next;
            }
            using (turned)
                Assert.True(turned.Pixels.SequenceEqual(image.Pixels));

            using var mirrored = ImageEdits.MirrorHorizontal(image);
            using var back = ImageEdits.MirrorHorizontal(mirrored);
            Assert.True(back.Pixels.SequenceEqual(image.Pixels));

            // Any number of turns is taken modulo 4, negative ones anticlockwise.
            using var some = ImageEdits.Rotate90(image, t.turns);
            using var undone = ImageEdits.Rotate90(some, -t.turns);
            Assert.True(undone.Pixels.SequenceEqual(image.Pixels));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(60));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(360)]
    [InlineData(-720)]
    public void Rotating_by_whole_turns_changes_nothing(double degrees)
    {
        using var image = Random(37, 23, 5);
        using var rotated = ImageEdits.Rotate(image, degrees, Fill);
        Assert.True(rotated.Pixels.SequenceEqual(image.Pixels));
    }

    [Fact]
    public void A_small_rotation_of_a_uniform_image_is_uniform_but_for_filled_corners()
    {
        const int w = 120, h = 80;
        var colour = new Rgb(10, 200, 90);
        using var image = Uniform(w, h, colour);
        using var rotated = ImageEdits.Rotate(image, 5, Fill);
        Assert.Equal((w, h), (rotated.Width, rotated.Height));
        // Uncovered pixels are near a corner: within max(w, h) * sin 5° (plus a pixel) of two edges at once.
        var reach = (int)Math.Ceiling(Math.Max(w, h) * Math.Sin(5 * Math.PI / 180)) + 1;
        var filled = 0;
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
            {
                var pixel = At(rotated, x, y);
                if (pixel == colour)
                    continue;
                Assert.Equal(Fill, pixel);
                filled++;
                var nearSide = Math.Min(x, w - 1 - x) < reach;
                var nearTopOrBottom = Math.Min(y, h - 1 - y) < reach;
                Assert.True(nearSide || nearTopOrBottom, $"filled pixel ({x},{y}) is not near an edge");
            }
        foreach (var (x, y) in new[] { (0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1) })
            Assert.Equal(Fill, At(rotated, x, y));
        Assert.Equal(colour, At(rotated, w / 2, h / 2));
        // Along each edge of length L, two thin triangles with legs L/2 and L/2 tan(a): (w^2 + h^2) tan(a) / 4 in all.
        var expected = ((w * (double)w) + (h * (double)h)) * Math.Tan(5 * Math.PI / 180) / 4;
        Assert.InRange(filled, expected * 0.7, expected * 1.3);
    }

    [Fact]
    public void Turning_while_extending_edges_paints_no_fill_and_agrees_with_the_filled_turn_where_the_source_covers()
    {
        const int w = 120, h = 80;
        var colour = new Rgb(10, 200, 90);
        using var uniform = Uniform(w, h, colour);
        using var extended = ImageEdits.RotateExtendingEdges(uniform, 5);
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
                Assert.Equal(colour, At(extended, x, y));

        using var image = Random(w, h, 11);
        using var filled = ImageEdits.Rotate(image, -7, Fill);
        using var continued = ImageEdits.RotateExtendingEdges(image, -7);
        var uncovered = 0;
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
            {
                if (At(filled, x, y) == Fill)
                {
                    uncovered++;
                    continue;
                }
                Assert.Equal(At(filled, x, y), At(continued, x, y));
            }
        Assert.True(uncovered > 0, "a 7 degree turn uncovers the corners");
    }

    [Fact]
    public void Positive_angles_turn_clockwise()
    {
        const int size = 41;
        var rgb = new byte[size * size * 3];
        // A white dot right of the centre.
        rgb[((20 * size) + 35) * 3] = 255;
        using var image = RgbImage.FromPixels(size, size, rgb);
        using var clockwise = ImageEdits.Rotate(image, 30, Rgb.Black);
        var (x, y) = Brightest(clockwise);
        Assert.True(y > 22 && x > 30, $"the dot went to ({x},{y}); a clockwise turn moves it down");
        using var anticlockwise = ImageEdits.Rotate(image, -30, Rgb.Black);
        (_, y) = Brightest(anticlockwise);
        Assert.True(y < 18, $"the dot went to row {y}; an anticlockwise turn moves it up");

        static (int X, int Y) Brightest(RgbImage image)
        {
            var best = (X: 0, Y: 0);
            for (var y = 0; y < image.Height; y++)
                for (var x = 0; x < image.Width; x++)
                    if (At(image, x, y).R > At(image, best.X, best.Y).R)
                        best = (x, y);
            return best;
        }
    }

    [Theory]
    [InlineData(90, 1, 0)]
    [InlineData(-90, 3, 0)]
    [InlineData(180, 2, 0)]
    [InlineData(90.4, 1, 3)]
    [InlineData(269.6, 3, 3)]
    public void Rotating_by_about_a_quarter_turn_matches_the_exact_turn_away_from_the_edges(double degrees, int quarterTurns, int tolerance)
    {
        const int size = 64;
        using var image = Smooth(size, size);
        using var rotated = ImageEdits.Rotate(image, degrees, Fill);
        using var exact = ImageEdits.Rotate90(image, quarterTurns);
        var worst = 0;
        for (var y = 4; y < size - 4; y++)
            for (var x = 4; x < size - 4; x++)
            {
                var (a, b) = (At(rotated, x, y), At(exact, x, y));
                worst = Math.Max(worst, Math.Max(Math.Abs(a.R - b.R), Math.Max(Math.Abs(a.G - b.G), Math.Abs(a.B - b.B))));
            }
        Assert.InRange(worst, 0, tolerance);
    }

    [Fact]
    public void Turning_back_restores_the_middle_of_a_smooth_image()
    {
        using var image = Smooth(80, 60);
        using var turned = ImageEdits.Rotate(image, 30, Fill);
        using var back = ImageEdits.Rotate(turned, -30, Fill);
        for (var y = 20; y < 40; y++)
            for (var x = 25; x < 55; x++)
            {
                var (a, b) = (At(image, x, y), At(back, x, y));
                Assert.True(Math.Abs(a.R - b.R) <= 3 && Math.Abs(a.G - b.G) <= 3 && Math.Abs(a.B - b.B) <= 3, $"({x},{y}): {a} vs {b}");
            }
    }

    [Fact]
    public void Edits_leave_their_input_alone()
    {
        using var image = Random(30, 20, 9);
        var before = image.Pixels.ToArray();
        ImageEdits.Crop(image, 1, 2, 10, 10).Dispose();
        ImageEdits.CropFraction(image, 0.2, CropAnchor.Centre).Dispose();
        ImageEdits.Resize(image, 7, 41).Dispose();
        ImageEdits.Rotate90(image, 1).Dispose();
        ImageEdits.MirrorHorizontal(image).Dispose();
        ImageEdits.Rotate(image, 12, Fill).Dispose();
        Assert.Equal(before, image.Pixels.ToArray());
    }
}
