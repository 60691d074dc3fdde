using FsCheck;
using FsCheck.Fluent;
using Vigil.Media.Processing;
using Vigil.Media.Tests.Support;
using Xunit.Abstractions;
using static Vigil.Media.Tests.Processing.SyntheticImages;

namespace Vigil.Media.Tests.Processing;

/// <summary>
/// <see cref="ContentRegionFinder"/> on pictures (generated, or benign fixture photos) placed on plain canvases,
/// with and without text around them, on real photos that are not such layouts, and on anything at all.
/// </summary>
public sealed class ContentRegionFinderTests(ITestOutputHelper output) : IDisposable
{
    private readonly ImageDecoder _decoder = new();

    /// <summary>A Width × Height picture at (X, Y) on a CanvasWidth × CanvasHeight canvas of Colour.</summary>
    internal sealed record Case(int Width, int Height, int CanvasWidth, int CanvasHeight, int X, int Y, Colour Colour, bool Text, bool Noise, int Seed)
    {
        public PixelRect Picture => new(X, Y, Width, Height);
    }

    private static readonly Gen<Colour> s_canvases = Gen.OneOf(
        Gen.Elements(White, NearWhite, new Colour(240, 240, 240), new Colour(30, 30, 30), new Colour(255, 250, 230), new Colour(18, 18, 24)),
        Gen.Choose(0, int.MaxValue).Select(seed => RandomColour(new Random(seed))));

    /// <summary>Pictures of 64 to 800 a side (at most 3:1) on canvases 1.3 to 2 times their size, anywhere on them.</summary>
    private static readonly Gen<Case> s_cases =
        from size in (from width in Gen.Choose(64, 800) from height in Gen.Choose(64, 800) select (width, height))
            .Where(s => Math.Max(s.width, s.height) <= 3 * Math.Min(s.width, s.height))
        from scaleX in Gen.Choose(130, 200)
        from scaleY in Gen.Choose(130, 200)
        from placeX in Gen.Choose(0, 1000)
        from placeY in Gen.Choose(0, 1000)
        from colour in s_canvases
        from text in Gen.Elements(false, true)
        from noise in Gen.Elements(false, true)
        from seed in Gen.Choose(0, int.MaxValue / 2)
        let canvasWidth = size.width * scaleX / 100
        let canvasHeight = size.height * scaleY / 100
        select new Case(size.width, size.height, canvasWidth, canvasHeight,
            (canvasWidth - size.width) * placeX / 1000, (canvasHeight - size.height) * placeY / 1000, colour, text, noise, seed);

    private static void AssertNear(PixelRect expected, PixelRect? found, int tolerance, string what)
    {
        Assert.True(found is { } f
            && Math.Abs(f.X - expected.X) <= tolerance && Math.Abs(f.Y - expected.Y) <= tolerance
            && Math.Abs(f.Right - expected.Right) <= tolerance && Math.Abs(f.Bottom - expected.Bottom) <= tolerance,
            $"{what}: expected {expected} ±{tolerance}, found {found?.ToString() ?? "nothing"}");
    }

    /// <summary>Text-like lines in the space above and below the picture, a little apart from it (at least 4 pixels and 1% of the canvas).</summary>
    private static void AddCaptions(Pixels canvas, PixelRect picture, Colour background, Random random)
    {
        var ink = Math.Max(background.R, Math.Max(background.G, background.B)) > 128 ? new Colour(20, 20, 24) : new Colour(235, 235, 235);
        var gap = 4 + random.Next(9) + (int)Math.Ceiling(0.01 * canvas.Height);
        AddTextLines(canvas, 2, picture.Y - gap, picture.X, picture.Right, ink, random);
        AddTextLines(canvas, picture.Bottom + gap, canvas.Height - 2, picture.X, picture.Right, ink, random);
    }

    private static Pixels Compose(Case c)
    {
        var picture = PictureStandingOut(c.Width, c.Height, c.Seed, c.Colour, everyLine: true);
        var canvas = Filled(c.CanvasWidth, c.CanvasHeight, c.Colour);
        Paste(canvas, picture, c.X, c.Y);
        if (c.Text)
        {
            AddCaptions(canvas, c.Picture, c.Colour, new Random(c.Seed));
        }

        if (c.Noise)
        {
            AddNoise(canvas, c.Seed);
        }

        return canvas;
    }

    [Fact]
    public void A_picture_on_a_plain_canvas_is_found_with_or_without_text_around_it()
    {
        Prop.ForAll(s_cases.ToArbitrary(), c =>
        {
            using var image = Compose(c).ToImage();
            AssertNear(c.Picture, ContentRegionFinder.Find(image), 2, c.ToString());
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(150));
    }

    [Theory]
    [InlineData(Fixtures.BridgeJpeg)]
    [InlineData("pdq/data/reg-test-input/labelme-subset/q0122.jpg")]
    [InlineData("pdq/data/reg-test-input/labelme-subset/q0746.jpg")]
    [InlineData("pdq/data/reg-test-input/labelme-subset/q1050.jpg")]
    [InlineData("pdq/data/reg-test-input/labelme-subset/q2821.jpg")]
    public void A_fixture_photo_on_a_page_is_found(string fixture)
    {
        var photo = Fixture(_decoder, fixture);
        var random = new Random(fixture.Length);
        var tried = 0;
        foreach (var colour in new[] { White, NearWhite, new Colour(30, 30, 30), new Colour(255, 250, 230) })
        {
            if (EdgeShareAway(photo, colour) < 0.6 || LeastLineShareAway(photo, colour) < 0.3)
            {
                continue; // a canvas this photo's own edge, or a line right across it, could be part of
            }

            foreach (var (text, noise) in new[] { (false, false), (true, false), (true, true) })
            {
                int width = photo.Width * random.Next(130, 201) / 100, height = photo.Height * random.Next(130, 201) / 100;
                var picture = new PixelRect(random.Next(width - photo.Width + 1), random.Next(height - photo.Height + 1), photo.Width, photo.Height);
                var canvas = Filled(width, height, colour);
                Paste(canvas, photo, picture.X, picture.Y);
                if (text)
                {
                    AddCaptions(canvas, picture, colour, random);
                }

                if (noise)
                {
                    AddNoise(canvas, random.Next());
                }

                using var image = canvas.ToImage();
                AssertNear(picture, ContentRegionFinder.Find(image), 2, $"{fixture} on {colour}, text {text}, noise {noise}");
                tried++;
            }
        }

        Assert.True(tried > 0);
    }

    /// <summary>A collage: pictures of different sizes on a plain background, the largest found.</summary>
    [Fact]
    public void The_largest_cell_of_a_collage_is_found()
    {
        foreach (var seed in new[] { 1, 2, 3, 4 })
        {
            var random = new Random(seed);
            var canvas = Filled(880, 660, White);
            var cells = new[] { new PixelRect(20, 20, 410, 300), new PixelRect(450, 20, 410, 380), new PixelRect(20, 340, 410, 300), new PixelRect(450, 420, 410, 220) };
            var largest = cells[random.Next(cells.Length)];
            foreach (var cell in cells)
            {
                // The chosen cell keeps its size; every other one shrinks to at most half of it.
                var (width, height) = cell == largest ? (cell.Width, cell.Height) : (Math.Min(cell.Width, largest.Width / 2), Math.Min(cell.Height, largest.Height / 2));
                Paste(canvas, PictureStandingOut(width, height, random.Next(), White, everyLine: true), cell.X, cell.Y);
                if (cell == largest)
                {
                    largest = cell with { Width = width, Height = height };
                }
            }

            using var image = canvas.ToImage();
            AssertNear(largest, ContentRegionFinder.Find(image), 2, $"collage {seed}");
        }
    }

    [Fact]
    public void The_letterboxed_fixture_is_a_picture_on_a_black_canvas()
    {
        using var image = _decoder.DecodeFile(Fixtures.Path_("pytx/letterboxed_sample-b.jpg"));
        AssertNear(new PixelRect(200, 200, 1600, 1004), ContentRegionFinder.Find(image), 2, "letterboxed_sample-b.jpg");
    }

    [Theory]
    [MemberData(nameof(BorderTrimmerTests.FullBleedPhotos), MemberType = typeof(BorderTrimmerTests))]
    public void Full_bleed_photos_are_not_pictures_on_a_canvas(string fixture)
    {
        using var image = _decoder.DecodeFile(Fixtures.Path_(fixture));
        var found = ContentRegionFinder.Find(image);
        Assert.True(found is null, $"{fixture}: {found}");
    }

    /// <summary>q0291 has grey padding on two sides: nothing, or about what is inside the padding.</summary>
    [Fact]
    public void A_labelme_photo_with_grey_padding_gives_nothing_or_the_photo_inside_it()
    {
        using var image = _decoder.DecodeFile(Fixtures.Path_("pdq/data/reg-test-input/labelme-subset/q0291.jpg"));
        var found = ContentRegionFinder.Find(image);
        output.WriteLine($"q0291: {found}");
        if (found is not null)
        {
            AssertNear(new PixelRect(11, 0, 245, 249), found, 2, "q0291");
        }
    }

    /// <summary>A photo with a plain-looking sky above a busy band is a photo: a sky is not a flat canvas.</summary>
    [Fact]
    public void A_sky_is_not_a_canvas()
    {
        var photo = Fixture(_decoder, Fixtures.BridgeJpeg);
        var skyRows = photo.Height * 2 / 5;
        foreach (var range in new[] { 40, 80 })
        {
            var sky = photo with { Rgb = (byte[])photo.Rgb.Clone() };
            for (var y = 0; y < skyRows; y++)
            {
                var colour = new Colour((byte)(110 + (y * range / skyRows)), (byte)(150 + (y * range / 2 / skyRows)), 230);
                for (var x = 0; x < photo.Width; x++)
                {
                    var offset = ((y * photo.Width) + x) * 3;
                    (sky.Rgb[offset], sky.Rgb[offset + 1], sky.Rgb[offset + 2]) = (colour.R, colour.G, colour.B);
                }
            }

            using var image = sky.ToImage();
            var found = ContentRegionFinder.Find(image);
            Assert.True(found is null, $"sky ranging {range}: {found}");
        }
    }

    [Fact]
    public void A_page_of_text_alone_has_no_picture()
    {
        foreach (var seed in new[] { 1, 2, 3 })
        {
            var random = new Random(seed);
            var page = Filled(600, 800, White);
            AddTextLines(page, 20, 780, 20, 580, new Colour(20, 20, 24), random);
            using var image = page.ToImage();
            Assert.Null(ContentRegionFinder.Find(image));
        }
    }

    [Fact]
    public void A_uniform_image_has_no_picture()
    {
        var gen = from width in Gen.Choose(1, 400)
                  from height in Gen.Choose(1, 400)
                  from colour in s_canvases
                  from noisy in Gen.Elements(false, true)
                  from seed in Gen.Choose(0, int.MaxValue)
                  select (width, height, colour, noisy, seed);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var uniform = Filled(t.width, t.height, t.colour);
            if (t.noisy)
            {
                AddNoise(uniform, t.seed);
            }

            using var image = uniform.ToImage();
            Assert.Null(ContentRegionFinder.Find(image));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(100));
    }

    [Theory]
    [InlineData(8, 8)]
    [InlineData(1, 1)]
    [InlineData(31, 31)]
    [InlineData(1, 500)]
    [InlineData(500, 1)]
    public void Tiny_and_thin_images_have_no_picture(int width, int height)
    {
        foreach (var seed in new[] { 1, 2, 3 })
        {
            var canvas = Filled(width, height, White);
            Paste(canvas, Picture(Math.Max(1, width / 2), Math.Max(1, height / 2), seed), width / 4, height / 4);
            using var image = canvas.ToImage();
            Assert.Null(ContentRegionFinder.Find(image));
        }
    }

    /// <summary>Images one pixel high or wide have one outer line a side; the property below once read past them.</summary>
    [Theory]
    [InlineData(48, 1)]
    [InlineData(1, 48)]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    public void Images_one_or_two_pixels_across_are_read_inside_their_bounds(int width, int height)
    {
        var options = new RegionFindOptions { MinPicturePixels = 1, MinAreaShare = 0.01, MaxAreaShare = 0.99, MaxAspectRatio = 100 };
        foreach (var seed in new[] { 1, 114804190, 7 })
        {
            using var image = FuzzImages.Make(width, height, seed).ToImage();
            FuzzImages.AssertInside(ContentRegionFinder.Find(image, options), width, height);
        }

        using var plain = Filled(width, height, White).ToImage();
        Assert.Null(ContentRegionFinder.Find(plain, options));
    }

    /// <summary>Noise, uniform areas, rectangles, stripes and gradients at any size and with any valid options.</summary>
    [Fact]
    public void Any_image_gives_nothing_or_a_rectangle_inside_it()
    {
        var gen = from width in Gen.Choose(1, 300)
                  from height in Gen.Choose(1, 300)
                  from seed in Gen.Choose(0, int.MaxValue)
                  from tolerance in Gen.Choose(1, 254)
                  from frame in Gen.Choose(1, 100)
                  from minArea in Gen.Choose(1, 50)
                  from maxArea in Gen.Choose(51, 99)
                  from aspect in Gen.Choose(1, 20)
                  from minSide in Gen.Choose(1, 64)
                  from defaults in Gen.Elements(false, true)
                  select (width, height, seed, options: defaults ? null : new RegionFindOptions
                  {
                      Tolerance = tolerance,
                      MinFrameShare = frame / 100.0,
                      MinAreaShare = minArea / 100.0,
                      MaxAreaShare = maxArea / 100.0,
                      MaxAspectRatio = aspect,
                      MinPicturePixels = minSide,
                  });
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            using var image = FuzzImages.Make(t.width, t.height, t.seed).ToImage();
            FuzzImages.AssertInside(ContentRegionFinder.Find(image, t.options), t.width, t.height);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Fact]
    public void Options_are_honoured_and_checked()
    {
        var canvas = Filled(400, 300, White);
        Paste(canvas, PictureStandingOut(200, 150, 3, White, everyLine: true), 100, 75); // a quarter of the area
        using var image = canvas.ToImage();
        AssertNear(new PixelRect(100, 75, 200, 150), ContentRegionFinder.Find(image), 0, "defaults");
        Assert.Null(ContentRegionFinder.Find(image, new RegionFindOptions { MinAreaShare = 0.3 }));
        Assert.Null(ContentRegionFinder.Find(image, new RegionFindOptions { MinAreaShare = 0.1, MaxAreaShare = 0.2 }));
        Assert.Null(ContentRegionFinder.Find(image, new RegionFindOptions { MinPicturePixels = 151 }));
        Assert.Null(ContentRegionFinder.Find(image, new RegionFindOptions { MaxAspectRatio = 1.2 }));

        Assert.Throws<ArgumentNullException>(() => ContentRegionFinder.Find(null!));
        foreach (var bad in new[]
        {
            new RegionFindOptions { Tolerance = 0 }, new RegionFindOptions { Tolerance = 255 },
            new RegionFindOptions { MinFrameShare = 0 }, new RegionFindOptions { MinFrameShare = 1.5 },
            new RegionFindOptions { MinAreaShare = 0 }, new RegionFindOptions { MinAreaShare = 0.96 },
            new RegionFindOptions { MaxAreaShare = 1 }, new RegionFindOptions { MaxAspectRatio = 0.5 },
            new RegionFindOptions { MaxAspectRatio = double.NaN }, new RegionFindOptions { MinPicturePixels = 0 },
        })
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => ContentRegionFinder.Find(image, bad));
        }

        var disposed = canvas.ToImage();
        disposed.Dispose();
        Assert.Throws<ObjectDisposedException>(() => ContentRegionFinder.Find(disposed));
    }

    public void Dispose() => _decoder.Dispose();
}
