namespace Vigil.Media.Tests;

public sealed class RgbImageTests
{
    [Fact]
    public void FromPixelsCopiesAndReportsTheSize()
    {
        byte[] rgb = [1, 2, 3, 4, 5, 6];
        using var image = RgbImage.FromPixels(2, 1, rgb);
        rgb[0] = 99;
        Assert.Equal((2, 1), (image.Width, image.Height));
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6 }, image.Pixels.ToArray());
        Assert.Equal(ImageFormat.Unknown, image.SourceFormat);
    }

    [Fact]
    public void FromPixelsValidatesItsArguments()
    {
        Assert.Throws<ArgumentException>(() => RgbImage.FromPixels(2, 2, new byte[11]));
        Assert.Throws<ArgumentOutOfRangeException>(() => RgbImage.FromPixels(0, 2, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => RgbImage.FromPixels(2, -1, []));
    }

    [Fact]
    public void PixelsAfterDisposeThrowAndDisposeIsIdempotent()
    {
        var image = RgbImage.FromPixels(1, 1, [1, 2, 3]);
        image.Dispose();
        image.Dispose();
        Assert.Throws<ObjectDisposedException>(() => image.Pixels.Length);
    }

    [Fact]
    public void LargeImagesUseExactSizeNativeMemory()
    {
        using var image = RgbImage.Allocate(5000, 5000, ImageFormat.Png); // 75 MB, above the pool threshold
        Assert.Equal(5000 * 5000 * 3, image.Pixels.Length);
        image.WritablePixels[^1] = 42;
        Assert.Equal(42, image.Pixels[^1]);
    }
}
