using FsCheck;
using FsCheck.Fluent;
using Vigil.Media.Processing;
using Vigil.Media.Tests.Support;
using static Vigil.Media.Tests.Processing.SyntheticImages;

namespace Vigil.Media.Tests.Processing;

/// <summary>
/// <see cref="FilledRotationFinder"/>: the angle of pictures turned inside their canvas with filled corners (generated
/// over sizes, angles and fill colours, and benign fixture photos), and nothing for pictures that were not turned.
/// </summary>
public sealed class FilledRotationFinderTests : IDisposable
{
    private readonly ImageDecoder _decoder = new();

    public void Dispose() => _decoder.Dispose();

    [Fact]
    public void A_turned_picture_gives_its_angle_and_fill_whatever_its_size_and_corner_colour()
    {
        var cases =
            from width in Gen.Choose(400, 1000)
            from height in Gen.Choose(400, 1000)
            from tenths in Gen.Choose(20, 100)
            from clockwise in Gen.Elements(false, true)
            from colour in Gen.Elements(Black, White, Grey, NearBlack, NearWhite)
            from seed in Gen.Choose(0, int.MaxValue / 2)
            select (width, height, degrees: (clockwise ? 1 : -1) * tenths / 10.0, colour, seed);
        // Up to 10 degrees and 2.5:1: beyond that a corner's uncovered part is no longer a right triangle.
        Prop.ForAll(cases.Where(c => Math.Max(c.width, c.height) <= 2.5 * Math.Min(c.width, c.height)).ToArbitrary(), c =>
        {
            // The picture's own edges stand out from the fill: a picture whose edge near a corner looks like the fill cannot be
            // told from it there (the finder's stated limit: at least three corners must be clean triangles).
            using var picture = PictureStandingOut(c.width, c.height, c.seed, c.colour, cleanEdges: true).ToImage();
            var fill = new Rgb(c.colour.R, c.colour.G, c.colour.B);
            using var turned = ImageEdits.Rotate(picture, c.degrees, fill);
            var found = FilledRotationFinder.Find(turned);
            Assert.True(found is not null, $"no turn found in {c}");
            Assert.InRange(found!.Value.Degrees, c.degrees - 0.75, c.degrees + 0.75);
            Assert.Equal(fill, found.Value.Fill);
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData("pdq/data/reg-test-input/labelme-subset/q0122.jpg")]
    [InlineData("pdq/data/reg-test-input/labelme-subset/q0746.jpg")]
    [InlineData("pdq/data/reg-test-input/labelme-subset/q2821.jpg")]
    [InlineData("pdq/data/bridge-mods/aaa-orig.jpg")]
    public void Photos_as_they_are_are_not_turns(string fixture)
    {
        using var photo = Fixture(_decoder, fixture).ToImage();
        Assert.Null(FilledRotationFinder.Find(photo));
    }

    [Theory]
    [InlineData(3.0)]
    [InlineData(-5.0)]
    [InlineData(8.0)]
    public void A_turned_photo_gives_its_angle(double degrees)
    {
        // The bridge photo (480 pixels wide): the angle to within a pixel of a short leg.
        using var photo = Fixture(_decoder, "pdq/data/bridge-mods/aaa-orig.jpg").ToImage();
        foreach (var fill in new[] { Rgb.Black, Rgb.White })
        {
            using var turned = ImageEdits.Rotate(photo, degrees, fill);
            var found = FilledRotationFinder.Find(turned);
            Assert.True(found is not null, $"turned {degrees} with {fill}");
            Assert.InRange(found!.Value.Degrees, degrees - 1.0, degrees + 1.0);
            Assert.Equal(fill, found.Value.Fill);
        }
    }

    [Fact]
    public void Bars_frames_plain_images_and_tiny_ones_are_not_turns()
    {
        using var picture = PictureStandingOut(400, 300, 5, Black).ToImage();
        using var letterbox = ImageEdits.Letterbox(picture, 0.125, Rgb.Black);
        using var border = ImageEdits.AddBorder(picture, 20, Rgb.White);
        using var plain = Filled(300, 200, Black).ToImage();
        using var tiny = ImageEdits.Rotate(Picture(24, 24, 1).ToImage(), 5, Rgb.Black);
        Assert.Null(FilledRotationFinder.Find(letterbox));
        Assert.Null(FilledRotationFinder.Find(border));
        Assert.Null(FilledRotationFinder.Find(plain));
        Assert.Null(FilledRotationFinder.Find(tiny));
        // A turn of under half a degree leaves corners of a pixel or two: nothing worth turning back.
        using var slight = ImageEdits.Rotate(picture, 0.2, Rgb.Black);
        Assert.Null(FilledRotationFinder.Find(slight));
    }

    [Fact]
    public void Anything_at_all_is_an_answer_or_null_never_an_exception()
    {
        Prop.ForAll(Gen.Choose(0, int.MaxValue / 2).ToArbitrary(), seed =>
        {
            var random = new Random(seed);
            int width = random.Next(1, 200), height = random.Next(1, 200);
            var rgb = new byte[width * height * 3];
            random.NextBytes(rgb);
            if (random.Next(2) == 0)
                Array.Clear(rgb, 0, rgb.Length / random.Next(1, 4));
            using var image = RgbImage.FromPixels(width, height, rgb);
            var found = FilledRotationFinder.Find(image);
            if (found is { } f)
                Assert.InRange(Math.Abs(f.Degrees), FilledRotationFinder.MinDegrees, FilledRotationFinder.MaxDegrees);
        }).QuickCheckThrowOnFailure();
    }
}
