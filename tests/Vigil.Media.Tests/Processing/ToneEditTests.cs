using FsCheck;
using FsCheck.Fluent;
using Vigil.Media.Processing;
using static Vigil.Media.Tests.Processing.TestImages;

namespace Vigil.Media.Tests.Processing;

/// <summary>Brightness, contrast, greyscale, box blur and noise.</summary>
public sealed class ToneEditTests
{
    [Fact]
    public void Brightness_adds_and_clamps()
    {
        using var image = FromRows(2, 1, 0, 100, 250, 5, 128, 255);
        using var brighter = ImageEdits.AdjustBrightness(image, 10);
        Assert.Equal([10, 110, 255, 15, 138, 255], brighter.Pixels.ToArray());
        using var darker = ImageEdits.AdjustBrightness(image, -10);
        Assert.Equal([0, 90, 240, 0, 118, 245], darker.Pixels.ToArray());
        using var extreme = ImageEdits.AdjustBrightness(image, int.MinValue);
        Assert.All(extreme.Pixels.ToArray(), v => Assert.Equal(0, v));
    }

    [Fact]
    public void Contrast_scales_the_distance_from_128()
    {
        using var image = FromRows(2, 1, 0, 100, 128, 200, 127, 255);
        using var doubled = ImageEdits.AdjustContrast(image, 2);
        Assert.Equal([0, 72, 128, 255, 126, 255], doubled.Pixels.ToArray());
        using var halved = ImageEdits.AdjustContrast(image, 0.5);
        // 128 - 64 = 64; 128 - 14 = 114; 128; 164; 127.5 -> 128; 191.5 -> 192
        Assert.Equal([64, 114, 128, 164, 128, 192], halved.Pixels.ToArray());
        using var flat = ImageEdits.AdjustContrast(image, 0);
        Assert.All(flat.Pixels.ToArray(), v => Assert.Equal(128, v));
        using var same = ImageEdits.AdjustContrast(image, 1);
        Assert.Equal(image.Pixels.ToArray(), same.Pixels.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageEdits.AdjustContrast(image, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageEdits.AdjustContrast(image, double.NaN));
    }

    [Fact]
    public void Greyscale_is_rec601_luma_in_all_channels()
    {
        using var image = FromRows(4, 1, 255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255);
        using var grey = ImageEdits.Greyscale(image);
        // 0.299 * 255 = 76.2, 0.587 * 255 = 149.7, 0.114 * 255 = 29.1
        Assert.Equal([76, 76, 76, 150, 150, 150, 29, 29, 29, 255, 255, 255], grey.Pixels.ToArray());
    }

    [Fact]
    public void A_radius_1_blur_of_a_row_repeats_the_edges()
    {
        using var image = FromRows(3, 1, 0, 0, 0, 90, 90, 90, 180, 180, 180);
        using var blurred = ImageEdits.BoxBlur(image, 1);
        // (0 + 0 + 90) / 3 = 30, (0 + 90 + 180) / 3 = 90, (90 + 180 + 180) / 3 = 150; the single row repeats above and below.
        Assert.Equal([30, 30, 30, 90, 90, 90, 150, 150, 150], blurred.Pixels.ToArray());
    }

    [Fact]
    public void Box_blur_equals_the_direct_mean_of_the_clamped_window()
    {
        var cases = from width in Gen.Choose(1, 30)
                    from height in Gen.Choose(1, 30)
                    from radius in Gen.Choose(0, 40)
                    from seed in Gen.Choose(0, int.MaxValue)
                    select (width, height, radius, seed);
        Prop.ForAll(Arb.From(cases), t =>
        {
            using var image = Random(t.width, t.height, t.seed);
            using var blurred = ImageEdits.BoxBlur(image, t.radius);
            long area = ((2L * t.radius) + 1) * ((2L * t.radius) + 1);
            for (var y = 0; y < t.height; y++)
                for (var x = 0; x < t.width; x++)
                    for (var c = 0; c < 3; c++)
                    {
                        long sum = 0;
                        for (var dy = -t.radius; dy <= t.radius; dy++)
                            for (var dx = -t.radius; dx <= t.radius; dx++)
                            {
                                var sx = Math.Clamp(x + dx, 0, t.width - 1);
                                var sy = Math.Clamp(y + dy, 0, t.height - 1);
                                sum += image.Pixels[(((sy * t.width) + sx) * 3) + c];
                            }
                        var expected = (byte)((sum + (area / 2)) / area);
                        Assert.Equal(expected, blurred.Pixels[(((y * t.width) + x) * 3) + c]);
                    }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(40));
    }

    [Fact]
    public void Blur_reduces_variance_and_is_deterministic()
    {
        using var image = Random(64, 48, 1);
        using var blurred = ImageEdits.BoxBlur(image, 2);
        using var again = ImageEdits.BoxBlur(image, 2);
        Assert.True(blurred.Pixels.SequenceEqual(again.Pixels));
        var before = Variance(image.Pixels);
        var after = Variance(blurred.Pixels);
        // Independent noise: averaging 25 values divides the variance by about 25 (less near the repeated edges).
        Assert.True(after < before / 10, $"variance {before:0} -> {after:0}");
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageEdits.BoxBlur(image, -1));
    }

    [Fact]
    public void Noise_is_deterministic_from_its_seed()
    {
        using var image = Random(40, 30, 2);
        using var a = ImageEdits.AddNoise(image, 8, seed: 42);
        using var b = ImageEdits.AddNoise(image, 8, seed: 42);
        using var c = ImageEdits.AddNoise(image, 8, seed: 43);
        Assert.True(a.Pixels.SequenceEqual(b.Pixels));
        Assert.False(a.Pixels.SequenceEqual(c.Pixels));
        Assert.False(a.Pixels.SequenceEqual(image.Pixels));
        using var none = ImageEdits.AddNoise(image, 0, seed: 42);
        Assert.True(none.Pixels.SequenceEqual(image.Pixels));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageEdits.AddNoise(image, -1, 1));
    }

    [Fact]
    public void Noise_has_the_requested_standard_deviation()
    {
        using var grey = Uniform(200, 200, new Rgb(128, 128, 128));
        using var noisy = ImageEdits.AddNoise(grey, 10, seed: 7);
        double sum = 0, squares = 0;
        foreach (var v in noisy.Pixels)
        {
            sum += v - 128;
            squares += (v - 128) * (double)(v - 128);
        }
        var n = noisy.Pixels.Length;
        var mean = sum / n;
        var sigma = Math.Sqrt((squares / n) - (mean * mean));
        Assert.InRange(mean, -0.2, 0.2);
        // Rounding adds a variance of 1/12.
        Assert.InRange(sigma, 9.8, 10.2);
    }

    [Fact]
    public void Tone_edits_leave_their_input_alone()
    {
        using var image = Random(30, 20, 9);
        var before = image.Pixels.ToArray();
        ImageEdits.AdjustBrightness(image, 40).Dispose();
        ImageEdits.AdjustContrast(image, 1.5).Dispose();
        ImageEdits.Greyscale(image).Dispose();
        ImageEdits.BoxBlur(image, 3).Dispose();
        ImageEdits.AddNoise(image, 5, 1).Dispose();
        Assert.Equal(before, image.Pixels.ToArray());
    }
}
