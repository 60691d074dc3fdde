using FsCheck;
using FsCheck.Fluent;
using Vigil.Media.Encoders;

namespace Vigil.Media.Tests;

/// <summary>The truecolour PNG writer (sharing its chunks with the grey one), read back by libvips.</summary>
public class RgbPngEncoderTests
{
    [Fact]
    public void A_png_is_truecolour_8_bit_with_the_known_end_chunk()
    {
        var png = RgbPngEncoder.Encode(new byte[5 * 3 * 3], 5, 3);
        Assert.Equal([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], png[..8]);
        Assert.Equal("IHDR"u8.ToArray(), png[12..16]);
        Assert.Equal(8, png[24]); // bit depth
        Assert.Equal(2, png[25]); // colour type: truecolour
        Assert.Equal([0, 0, 0, 0, (byte)'I', (byte)'E', (byte)'N', (byte)'D', 0xAE, 0x42, 0x60, 0x82], png[^12..]);
    }

    [Fact]
    public void Any_rgb_image_round_trips_through_libvips_exactly()
    {
        using var decoder = new ImageDecoder();
        var images = from width in Gen.Choose(1, 70)
                     from height in Gen.Choose(1, 70)
                     from seed in Gen.Choose(0, int.MaxValue)
                     select (Width: width, Height: height, Seed: seed);
        Prop.ForAll(Arb.From(images), t =>
        {
            var (width, height, seed) = t;
            var pixels = new byte[width * height * 3];
            new Random(seed).NextBytes(pixels);
            using var image = decoder.Decode(RgbPngEncoder.Encode(pixels, width, height));
            Assert.Equal((width, height), (image.Width, image.Height));
            Assert.True(image.Pixels.SequenceEqual(pixels), $"{width}x{height}");
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(60));
    }

    [Fact]
    public void Wrong_sizes_are_refused()
    {
        Assert.Throws<ArgumentException>(() => RgbPngEncoder.Encode(new byte[16], 4, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => RgbPngEncoder.Encode([], 4, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => RgbPngEncoder.Encode(new byte[3 * 70_000], 1, 70_000));
    }
}
