using Vigil.Media;
using Vigil.Review.Wellness;
using Vigil.Testing;
using Xunit.Abstractions;
using static Vigil.Review.Tests.Wellness.WellnessTestSupport;

namespace Vigil.Review.Tests.Wellness;

/// <summary>Blurred image derivatives of the benign fixture images, read back with our own decoder.</summary>
public sealed class BlurredImageMakerTests(ITestOutputHelper output) : IDisposable
{
    private readonly BlurredImageMaker _maker = new();
    private readonly ImageDecoder _decoder = new();

    public void Dispose()
    {
        _maker.Dispose();
        _decoder.Dispose();
    }

    public static TheoryData<string> Images() => FixtureImages();

    [Theory]
    [MemberData(nameof(Images))]
    public void Each_fixture_image_gives_a_small_grey_png_that_is_not_the_original(string relative)
    {
        var original = File.ReadAllBytes(Fixtures.Path(relative));
        var derivative = _maker.Make(original);
        Assert.True(IsPng(derivative.Png));
        Assert.NotEqual(original, derivative.Png);
        Assert.True(derivative.Greyscale);

        using var decoded = _decoder.Decode(derivative.Png);
        Assert.Equal((derivative.Width, derivative.Height), (decoded.Width, decoded.Height));
        Assert.True(Math.Max(decoded.Width, decoded.Height) <= BlurOptions.DefaultMaxSide);
        var rgb = decoded.Pixels;
        for (int i = 0; i < rgb.Length; i += 3)
            Assert.True(rgb[i] == rgb[i + 1] && rgb[i + 1] == rgb[i + 2], $"pixel {i / 3} is not grey");
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Blurring_removes_most_of_the_high_frequency_energy(string relative)
    {
        var original = File.ReadAllBytes(Fixtures.Path(relative));
        var derivative = _maker.Make(original);
        int w = derivative.Width, h = derivative.Height;

        // The same image shrunk to the derivative's size without blur: the baseline.
        using var source = new ImageDecoder(new DecodeOptions { AutoOrient = true }).Decode(original);
        var small = new byte[w * h * 3];
        DerivativePixels.Resample(source.Pixels, source.Width, source.Height, small, w, h, 3);
        var smallGrey = new byte[w * h];
        DerivativePixels.ToGrey(small, smallGrey);
        double before = LaplacianEnergy(smallGrey, w, h);

        using var decoded = _decoder.Decode(derivative.Png);
        double after = LaplacianEnergy(Grey(decoded), w, h);
        output.WriteLine($"{relative}: {w}x{h}, Laplacian {before:0.###} -> {after:0.###} ({after / Math.Max(before, 1e-9):0.####})");
        if (before < 2)
        {
            // A flat image (one colour) has nothing to blur: it must stay flat.
            Assert.True(after <= before + 0.5, $"{after} after {before}");
            return;
        }
        // Measured on the fixtures: 0.0008 (sharp photographs) to 0.05 (an almost flat one).
        Assert.True(after < before * 0.1, $"Laplacian energy {before:0.###} -> {after:0.###}: not blurred enough");
    }

    [Fact]
    public void Colour_mode_keeps_colour_and_writes_an_rgb_png()
    {
        var original = File.ReadAllBytes(Fixtures.ThreatExchange("pdq/data/bridge-mods/high-saturation.jpg"));
        var derivative = _maker.Make(original, BlurOptions.Default with { Greyscale = false });
        Assert.False(derivative.Greyscale);
        Assert.Equal(2, derivative.Png[25]); // truecolour
        using var decoded = _decoder.Decode(derivative.Png);
        var rgb = decoded.Pixels;
        int coloured = 0;
        for (int i = 0; i < rgb.Length; i += 3)
            if (Math.Abs(rgb[i] - rgb[i + 1]) > 8 || Math.Abs(rgb[i + 1] - rgb[i + 2]) > 8)
                coloured++;
        Assert.True(coloured > rgb.Length / 3 / 10, $"only {coloured} coloured pixels");
    }

    [Fact]
    public void The_longest_side_is_the_one_asked_for_and_small_images_are_not_enlarged()
    {
        var large = File.ReadAllBytes(Fixtures.ThreatExchange("pdq/data/reg-test-input/exif-rotn/exif-rotn-6.jpg"));
        var d = _maker.Make(large, BlurOptions.Default with { MaxSide = 200 });
        Assert.Equal(200, Math.Max(d.Width, d.Height));
        // EXIF orientation 6 is applied: the 4032x3024 landscape file is shown portrait.
        Assert.True(d.Height > d.Width, $"{d.Width}x{d.Height}");

        var square = File.ReadAllBytes(Fixtures.ThreatExchange("pdq/data/bridge-mods/square-128x128.jpg"));
        var s = _maker.Make(square);
        Assert.Equal((128, 128), (s.Width, s.Height));
    }

    [Fact]
    public void A_stronger_radius_blurs_more()
    {
        var original = File.ReadAllBytes(Fixtures.ThreatExchange("pdq/data/bridge-mods/sharpen-a-lot.jpg"));
        double Energy(int radius)
        {
            var d = _maker.Make(original, BlurOptions.Default with { Radius = radius });
            using var decoded = _decoder.Decode(d.Png);
            return LaplacianEnergy(Grey(decoded), d.Width, d.Height);
        }
        double r4 = Energy(BlurOptions.MinimumRadius), r12 = Energy(12), r40 = Energy(40);
        Assert.True(r4 > r12 && r12 > r40, $"{r4} {r12} {r40}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(257)]
    public void A_radius_outside_the_documented_range_is_refused(int radius)
    {
        var original = File.ReadAllBytes(Fixtures.ThreatExchange("pdq/data/misc-images/small.jpg"));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _maker.Make(original, BlurOptions.Default with { Radius = radius }));
        Assert.Equal("Radius", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => _maker.Make(original, BlurOptions.Default with { MaxSide = 0 }));
    }

    [Fact]
    public void An_organisation_minimum_raises_a_weaker_choice_and_keeps_a_stronger_one()
    {
        var weak = BlurOptions.Default with { Radius = 5, Greyscale = false };
        Assert.Equal(10, weak.WithMinimumRadius(10).Radius);
        Assert.False(weak.WithMinimumRadius(10).Greyscale);
        var strong = BlurOptions.Default with { Radius = 30 };
        Assert.Same(strong, strong.WithMinimumRadius(10));
        Assert.Throws<ArgumentOutOfRangeException>(() => strong.WithMinimumRadius(BlurOptions.MinimumRadius - 1));
        Assert.Equal((12, true, 480), (BlurOptions.Default.Radius, BlurOptions.Default.Greyscale, BlurOptions.Default.MaxSide));
    }

    [Fact]
    public void Bytes_that_are_not_an_image_give_the_typed_exception()
    {
        foreach (byte[] bad in new[] { [], "hello, world"u8.ToArray(), new byte[1000], [0xFF, 0xD8, 0xFF], [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A] })
        {
            var e = Assert.Throws<UndecodableMediaException>(() => _maker.Make(bad));
            Assert.Equal(DerivativeMediaKind.Image, e.Kind);
            Assert.IsType<ImageDecodeException>(e.InnerException);
            Assert.StartsWith("cannot make a blurred image: ", e.Message);
        }
    }

    [Fact]
    public void Two_hundred_mutated_or_truncated_images_give_a_png_or_the_typed_exception_never_another()
    {
        var sources = new[]
        {
            "pdq/data/bridge-mods/aaa-orig.jpg", "pdq/data/reg-test-input/pen-and-coaster.png", "pdq/data/misc-images/modes/RGBA.png",
            "pdq/data/misc-images/modes/PA.webp", "pdq/data/misc-images/c.png", "pdq/data/misc-images/small.jpg",
        }.Select(p => File.ReadAllBytes(Fixtures.ThreatExchange(p))).ToArray();
        var random = new Random(20261206);
        int typed = 0, decoded = 0;
        for (int n = 0; n < 200; n++)
        {
            var source = sources[n % sources.Length];
            byte[] bytes = (n % 4) switch
            {
                0 => source[..random.Next(0, Math.Min(source.Length, 400))],           // cut inside the header
                1 => source[..random.Next(source.Length / 4, source.Length)],          // cut inside the data
                2 => Mutate(source, random, count: random.Next(1, 40)),                // bytes changed anywhere
                _ => Mutate(source[..random.Next(64, source.Length)], random, 200),    // both
            };
            try
            {
                var derivative = _maker.Make(bytes);
                using var image = _decoder.Decode(derivative.Png);
                Assert.Equal((derivative.Width, derivative.Height), (image.Width, image.Height));
                decoded++;
            }
            catch (UndecodableMediaException e)
            {
                Assert.NotNull(e.InnerException);
                typed++;
            }
        }
        output.WriteLine($"{typed} refused, {decoded} decoded past the damage");
        Assert.Equal(200, typed + decoded);
        Assert.True(typed >= 50, $"only {typed} of 200 damaged images were refused");
    }

    private static byte[] Mutate(byte[] source, Random random, int count)
    {
        var copy = (byte[])source.Clone();
        for (int i = 0; i < count; i++)
            copy[random.Next(copy.Length)] = (byte)random.Next(256);
        return copy;
    }
}
