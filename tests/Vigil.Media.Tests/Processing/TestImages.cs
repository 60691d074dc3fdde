using Vigil.Media.Processing;

namespace Vigil.Media.Tests.Processing;

/// <summary>Generated images for the edit tests, and pixel access by coordinates.</summary>
internal static class TestImages
{
    /// <summary>Every pixel different (for width and height up to 256): R = x, G = y, B = a mix of both.</summary>
    public static RgbImage Distinct(int width, int height)
    {
        var rgb = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var i = ((y * width) + x) * 3;
                rgb[i] = (byte)x;
                rgb[i + 1] = (byte)y;
                rgb[i + 2] = (byte)((x * 7) + (y * 13));
            }
        return RgbImage.FromPixels(width, height, rgb);
    }

    public static RgbImage Random(int width, int height, int seed)
    {
        var rgb = new byte[width * height * 3];
        new Random(seed).NextBytes(rgb);
        return RgbImage.FromPixels(width, height, rgb);
    }

    public static RgbImage Uniform(int width, int height, Rgb colour)
    {
        var rgb = new byte[width * height * 3];
        for (var i = 0; i < rgb.Length; i += 3)
        {
            rgb[i] = colour.R;
            rgb[i + 1] = colour.G;
            rgb[i + 2] = colour.B;
        }
        return RgbImage.FromPixels(width, height, rgb);
    }

    /// <summary>A smooth image (changes by at most 2 per pixel step), where resampling changes little.</summary>
    public static RgbImage Smooth(int width, int height)
    {
        var rgb = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var i = ((y * width) + x) * 3;
                rgb[i] = (byte)(40 + (x * 150 / width));
                rgb[i + 1] = (byte)(40 + (y * 150 / height));
                rgb[i + 2] = (byte)(128 + (60 * Math.Sin((x + y) / 15.0)));
            }
        return RgbImage.FromPixels(width, height, rgb);
    }

    public static RgbImage FromRows(int width, int height, params byte[] rgb) => RgbImage.FromPixels(width, height, rgb);

    public static Rgb At(RgbImage image, int x, int y)
    {
        var i = ((y * image.Width) + x) * 3;
        var p = image.Pixels;
        return new Rgb(p[i], p[i + 1], p[i + 2]);
    }

    /// <summary>Whether the <paramref name="inner"/> image appears unchanged in <paramref name="outer"/> with its top-left pixel at (x, y).</summary>
    public static bool ContainsAt(RgbImage outer, RgbImage inner, int x, int y)
    {
        if (x < 0 || y < 0 || x + inner.Width > outer.Width || y + inner.Height > outer.Height)
            return false;
        for (var row = 0; row < inner.Height; row++)
        {
            var a = outer.Pixels.Slice((((y + row) * outer.Width) + x) * 3, inner.Width * 3);
            var b = inner.Pixels.Slice(row * inner.Width * 3, inner.Width * 3);
            if (!a.SequenceEqual(b))
                return false;
        }
        return true;
    }

    public static double Variance(ReadOnlySpan<byte> values)
    {
        double sum = 0, squares = 0;
        foreach (var v in values)
        {
            sum += v;
            squares += (double)v * v;
        }
        var mean = sum / values.Length;
        return (squares / values.Length) - (mean * mean);
    }
}
