using FsCheck;
using FsCheck.Fluent;
using Vigil.Classifiers.Manifests;
using Vigil.Classifiers.Preprocessing;

namespace Vigil.Classifiers.Tests;

/// <summary>The input tensor against its definition: element [c, y, x] (NCHW) or [y, x, c] (NHWC) is (pixel * scale - mean[c]) / std[c].</summary>
public sealed class ImageTensorLayoutTests
{
    [Fact]
    public void Every_element_is_its_pixel_normalised_in_the_layouts_place()
    {
        var cases =
            from width in Gen.Choose(1, 9)
            from height in Gen.Choose(1, 9)
            from nhwc in Gen.Elements(false, true)
            from bgr in Gen.Elements(false, true)
            from seed in Gen.Choose(0, int.MaxValue)
            select (width, height, nhwc, bgr, seed);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var random = new Random(c.seed);
            var rgb = new byte[3 * c.width * c.height];
            random.NextBytes(rgb);
            double[] mean = [random.NextDouble(), random.NextDouble() * 100, -random.NextDouble()];
            double[] std = [0.1 + random.NextDouble(), 2 + random.NextDouble() * 50, 0.5];
            double scale = random.Next(2) == 0 ? 1.0 / 255 : 1.0;
            var layout = new ImageTensorLayout(new OnnxModelSpec
            {
                Width = c.width, Height = c.height, Layout = c.nhwc ? "nhwc" : "nchw", Channels = c.bgr ? "bgr" : "rgb",
                Scale = scale, Mean = mean, Std = std,
            });
            var tensor = new float[layout.ImageLength];
            layout.Write(rgb, tensor);
            for (int y = 0; y < c.height; y++)
            {
                for (int x = 0; x < c.width; x++)
                {
                    for (int k = 0; k < 3; k++)
                    {
                        int source = c.bgr ? 2 - k : k;
                        double expected = (rgb[3 * (y * c.width + x) + source] * scale - mean[k]) / std[k];
                        int at = c.nhwc ? 3 * (y * c.width + x) + k : k * c.width * c.height + y * c.width + x;
                        Assert.True(Math.Abs(tensor[at] - expected) <= 1e-4 * Math.Max(1, Math.Abs(expected)), $"{c}: [{k},{y},{x}] {tensor[at]} != {expected}");
                    }
                }
            }
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Wrong_sizes_are_refused()
    {
        var layout = new ImageTensorLayout(new OnnxModelSpec { Width = 4, Height = 2 });
        Assert.Equal([1L, 3, 2, 4], layout.Shape(1));
        Assert.Throws<ArgumentException>(() => layout.Write(new byte[23], new float[24]));
        Assert.Throws<ArgumentException>(() => layout.Write(new byte[24], new float[23]));
    }
}
