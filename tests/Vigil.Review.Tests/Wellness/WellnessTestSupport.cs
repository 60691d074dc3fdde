using Vigil.Media;
using Vigil.Review.Wellness;
using Vigil.Testing;

namespace Vigil.Review.Tests.Wellness;

internal static class WellnessTestSupport
{
    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".webp", ".gif"];

    /// <summary>Every benign fixture image (ThreatExchange's test images), relative to tests/fixtures.</summary>
    public static TheoryData<string> FixtureImages()
    {
        var data = new TheoryData<string>();
        foreach (string path in Directory.EnumerateFiles(Fixtures.Root, "*", SearchOption.AllDirectories)
                     .Where(p => ImageExtensions.Contains(Path.GetExtension(p).ToLowerInvariant()))
                     .Order(StringComparer.Ordinal))
            data.Add(Path.GetRelativePath(Fixtures.Root, path));
        return data;
    }

    public static string Video(string name) => Fixtures.ThreatExchange("tmk/sample-videos/" + name);

    /// <summary>The grey plane of a decoded image (its luma, or its red channel when it is grey already).</summary>
    public static byte[] Grey(RgbImage image)
    {
        var grey = new byte[image.Width * image.Height];
        DerivativePixels.ToGrey(image.Pixels, grey);
        return grey;
    }

    /// <summary>
    /// Mean squared 4-neighbour Laplacian over the interior (the "variance of the Laplacian" sharpness measure): the
    /// image's high-frequency energy. Squared, edges count for much more than the ±1 steps of 8-bit rounding.
    /// </summary>
    public static double LaplacianEnergy(ReadOnlySpan<byte> grey, int width, int height)
    {
        if (width < 3 || height < 3)
            return 0;
        double sum = 0;
        for (int y = 1; y < height - 1; y++)
        {
            for (int x = 1; x < width - 1; x++)
            {
                int i = y * width + x;
                int l = 4 * grey[i] - grey[i - 1] - grey[i + 1] - grey[i - width] - grey[i + width];
                sum += l * l;
            }
        }
        return sum / ((width - 2) * (height - 2));
    }

    public static bool IsPng(byte[] bytes) => bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
}
