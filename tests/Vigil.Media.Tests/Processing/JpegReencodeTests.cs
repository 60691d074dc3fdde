using Vigil.Media.Processing;
using Vigil.Media.Tests.Support;

namespace Vigil.Media.Tests.Processing;

/// <summary>Re-encoding through libjpeg-turbo's compressor and back through our decoder.</summary>
public sealed class JpegReencodeTests
{
    private static RgbImage Bridge()
    {
        using var decoder = new ImageDecoder();
        return decoder.Decode(Fixtures.Read(Fixtures.BridgeJpeg));
    }

    [Fact]
    public void Lower_quality_loses_more()
    {
        using var photo = Bridge();
        using var q90 = ImageEdits.ReencodeJpeg(photo, 90);
        using var q30 = ImageEdits.ReencodeJpeg(photo, 30);
        Assert.Equal((photo.Width, photo.Height), (q90.Width, q90.Height));
        Assert.Equal((photo.Width, photo.Height), (q30.Width, q30.Height));
        Assert.Equal(ImageFormat.Jpeg, q90.SourceFormat);
        var loss90 = PixelStats.MeanAbsoluteDifference(photo.Pixels, q90.Pixels);
        var loss30 = PixelStats.MeanAbsoluteDifference(photo.Pixels, q30.Pixels);
        Assert.InRange(loss90, 0.1, 3);
        Assert.True(loss30 > loss90 * 1.5, $"mean absolute difference {loss90:0.00} at q90, {loss30:0.00} at q30");
        Assert.InRange(loss30, 1, 12);
    }

    [Fact]
    public void Reencoding_is_deterministic_and_leaves_the_input_alone()
    {
        using var image = TestImages.Smooth(97, 61);
        var before = image.Pixels.ToArray();
        using var a = ImageEdits.ReencodeJpeg(image, 50);
        using var b = ImageEdits.ReencodeJpeg(image, 50);
        Assert.True(a.Pixels.SequenceEqual(b.Pixels));
        Assert.Equal(before, image.Pixels.ToArray());
        Assert.Equal((97, 61), (a.Width, a.Height));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public void Quality_must_be_1_to_100(int quality)
    {
        using var image = TestImages.Smooth(8, 8);
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageEdits.ReencodeJpeg(image, quality));
    }
}
