using FsCheck;
using FsCheck.Fluent;
using Vigil.Media.Encoders;

namespace Vigil.Media.Tests;

/// <summary>The greyscale PNG writer, read back by libvips (a decoder that is not ours).</summary>
public class GrayPngEncoderTests
{
    [Fact]
    public void A_png_has_the_signature_the_header_and_the_known_end_chunk()
    {
        var png = GrayPngEncoder.Encode(new byte[64 * 64], 64, 64);
        Assert.Equal([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], png[..8]);
        Assert.Equal("IHDR"u8.ToArray(), png[12..16]);
        Assert.Equal(ImageFormat.Png, ImageDecoder.DetectFormat(png));
        // IEND with its well-known CRC, ae426082.
        Assert.Equal([0, 0, 0, 0, (byte)'I', (byte)'E', (byte)'N', (byte)'D', 0xAE, 0x42, 0x60, 0x82], png[^12..]);
    }

    [Fact]
    public void Any_grey_image_round_trips_through_libvips_exactly()
    {
        using var decoder = new ImageDecoder();
        var images = from width in Gen.Choose(1, 70)
                     from height in Gen.Choose(1, 70)
                     from seed in Gen.Choose(0, int.MaxValue)
                     select (Width: width, Height: height, Seed: seed);
        Prop.ForAll(Arb.From(images), t =>
        {
            var (width, height, seed) = t;
            var pixels = new byte[width * height];
            new Random(seed).NextBytes(pixels);
            using var image = decoder.Decode(GrayPngEncoder.Encode(pixels, width, height));
            Assert.Equal((width, height), (image.Width, image.Height));
            var rgb = image.Pixels;
            for (int i = 0; i < pixels.Length; i++)
                Assert.True(rgb[3 * i] == pixels[i] && rgb[3 * i + 1] == pixels[i] && rgb[3 * i + 2] == pixels[i], $"pixel {i} of {width}x{height}");
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(60));
    }

    [Fact]
    public void Wrong_sizes_are_refused()
    {
        Assert.Throws<ArgumentException>(() => GrayPngEncoder.Encode(new byte[10], 4, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => GrayPngEncoder.Encode([], 0, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => GrayPngEncoder.Encode(new byte[70_000], 70_000, 1));
    }
}
