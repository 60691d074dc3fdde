using Vigil.Media.Exif;
using Vigil.Media.Tests.Support;

namespace Vigil.Media.Tests;

public sealed class OrientationTests
{
    [Fact]
    public void ExifRotn6IsNotRotatedByDefault()
    {
        using var decoder = new ImageDecoder();
        using var image = decoder.DecodeFile(Fixtures.Path_(Fixtures.ExifRotn6));
        Assert.Equal((4032, 3024), (image.Width, image.Height));
    }

    [Fact]
    public void ExifRotn6IsRotatedClockwiseWithAutoOrient()
    {
        var data = Fixtures.Read(Fixtures.ExifRotn6);
        Assert.Equal(6, ExifOrientation.FromJpeg(data));

        using var plainDecoder = new ImageDecoder();
        using var plain = plainDecoder.Decode(data);
        using var orientingDecoder = new ImageDecoder(new DecodeOptions { AutoOrient = true });
        using var rotated = orientingDecoder.Decode(data);
        Assert.Equal((3024, 4032), (rotated.Width, rotated.Height));

        // Independent check: orientation 6 means "rotate 90 degrees clockwise to display", so output pixel (x, y)
        // is stored pixel (y, H - 1 - x).
        int w = plain.Width, h = plain.Height;
        var src = plain.Pixels;
        var dst = rotated.Pixels;
        for (var y = 0; y < rotated.Height; y++)
        {
            for (var x = 0; x < rotated.Width; x++)
            {
                var d = ((y * rotated.Width) + x) * 3;
                var s = ((((h - 1 - x) * w) + y)) * 3;
                if (dst[d] != src[s] || dst[d + 1] != src[s + 1] || dst[d + 2] != src[s + 2])
                {
                    Assert.Fail($"rotated pixel ({x},{y}) differs from stored pixel ({y},{h - 1 - x})");
                }
            }
        }
    }

    /// <summary>Each EXIF orientation against its definition, on a small image with distinct pixels.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void TransformMatchesTheExifDefinition(int orientation)
    {
        const int w = 5, h = 3;
        var rgb = new byte[w * h * 3];
        for (var i = 0; i < w * h; i++)
        {
            rgb[3 * i] = (byte)(i % w);      // x
            rgb[(3 * i) + 1] = (byte)(i / w); // y
            rgb[(3 * i) + 2] = 7;
        }

        using var image = RgbImage.FromPixels(w, h, rgb);
        using var result = Orientation.Apply(image, orientation);
        var swap = orientation >= 5;
        Assert.Equal(swap ? (h, w) : (w, h), (result.Width, result.Height));
        for (var y = 0; y < result.Height; y++)
        {
            for (var x = 0; x < result.Width; x++)
            {
                // Where the displayed pixel (x, y) is stored, per the EXIF specification / Pillow's exif_transpose.
                var (sx, sy) = orientation switch
                {
                    1 => (x, y),
                    2 => (w - 1 - x, y),          // FLIP_LEFT_RIGHT
                    3 => (w - 1 - x, h - 1 - y),  // ROTATE_180
                    4 => (x, h - 1 - y),          // FLIP_TOP_BOTTOM
                    5 => (y, x),                  // TRANSPOSE
                    6 => (y, h - 1 - x),          // ROTATE_270 (clockwise)
                    7 => (w - 1 - y, h - 1 - x),  // TRANSVERSE
                    8 => (w - 1 - y, x),          // ROTATE_90 (counter-clockwise)
                    _ => throw new ArgumentOutOfRangeException(nameof(orientation)),
                };
                var d = ((y * result.Width) + x) * 3;
                Assert.Equal((sx, sy, 7), (result.Pixels[d], result.Pixels[d + 1], result.Pixels[d + 2]));
            }
        }
    }

    [ToolFact("convert")]
    public void TiffOrientationIsAppliedThroughLibvips()
    {
        using var dir = new Vigil.Testing.TempDirectory();
        var tif = dir.File("oriented.tif");
        Tools.RunConvert(Fixtures.Path_(Fixtures.Rgb256Jpeg), "-crop", "256x100+0+0", "+repage", "-orient", "RightTop", tif);
        using var plainDecoder = new ImageDecoder();
        using var plain = plainDecoder.DecodeFile(tif);
        Assert.Equal((256, 100), (plain.Width, plain.Height));
        using var orientingDecoder = new ImageDecoder(new DecodeOptions { AutoOrient = true });
        using var rotated = orientingDecoder.DecodeFile(tif);
        Assert.Equal((100, 256), (rotated.Width, rotated.Height));
        using var expected = Orientation.Apply(RgbImage.FromPixels(256, 100, plain.Pixels), 6);
        Assert.True(expected.Pixels.SequenceEqual(rotated.Pixels));
    }
}
