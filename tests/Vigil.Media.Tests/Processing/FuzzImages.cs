using Vigil.Media.Processing;
using static Vigil.Media.Tests.Processing.SyntheticImages;

namespace Vigil.Media.Tests.Processing;

/// <summary>Arbitrary images for the finders' fuzz tests, and what any answer of theirs must satisfy.</summary>
internal static class FuzzImages
{
    /// <summary>
    /// One of: noise, a uniform colour, rectangles on a uniform colour (some at the edges), stripes, a gradient, a
    /// textured picture in random borders, nested frames.
    /// </summary>
    public static Pixels Make(int width, int height, int seed)
    {
        var random = new Random(seed);
        switch (random.Next(7))
        {
            case 0:
            {
                var rgb = new byte[width * height * 3];
                random.NextBytes(rgb);
                return new Pixels(width, height, rgb);
            }

            case 1:
                return Filled(width, height, RandomColour(random));

            case 2:
            {
                var image = Filled(width, height, RandomColour(random));
                for (var i = random.Next(1, 8); i > 0; i--)
                {
                    int x = random.Next(width), y = random.Next(height);
                    Fill(image, x, y, random.Next(1, width - x + 1), random.Next(1, height - y + 1), RandomColour(random));
                }

                return image;
            }

            case 3:
            {
                var image = Filled(width, height, RandomColour(random));
                var vertical = random.Next(2) == 0;
                var length = vertical ? width : height;
                for (var at = 0; at < length;)
                {
                    var stripe = random.Next(1, Math.Max(2, length / 4));
                    var colour = RandomColour(random);
                    if (vertical)
                    {
                        Fill(image, at, 0, Math.Min(stripe, width - at), height, colour);
                    }
                    else
                    {
                        Fill(image, 0, at, width, Math.Min(stripe, height - at), colour);
                    }

                    at += stripe;
                }

                return image;
            }

            case 4:
            {
                var (from, to) = (RandomColour(random), RandomColour(random));
                var image = Filled(width, height, from);
                for (var y = 0; y < height; y++)
                {
                    for (var x = 0; x < width; x++)
                    {
                        var t = (double)(x + y) / Math.Max(1, width + height - 2);
                        var offset = ((y * width) + x) * 3;
                        image.Rgb[offset] = (byte)(from.R + ((to.R - from.R) * t));
                        image.Rgb[offset + 1] = (byte)(from.G + ((to.G - from.G) * t));
                        image.Rgb[offset + 2] = (byte)(from.B + ((to.B - from.B) * t));
                    }
                }

                return image;
            }

            case 5:
            {
                int top = random.Next(height), left = random.Next(width);
                int bottom = random.Next(height - top), right = random.Next(width - left);
                var image = Filled(width, height, RandomColour(random));
                Paste(image, Picture(width - left - right, height - top - bottom, random.Next()), left, top);
                return image;
            }

            default:
            {
                var image = Filled(width, height, RandomColour(random));
                for (int inset = random.Next(1, 6), x = inset, y = inset; x < width / 2 && y < height / 2; x += inset, y += inset)
                {
                    Fill(image, x, y, width - (2 * x), height - (2 * y), RandomColour(random));
                }

                return image;
            }
        }
    }

    /// <summary>Nothing, or a non-empty rectangle inside a <paramref name="width"/> × <paramref name="height"/> image that is not the whole of it.</summary>
    public static void AssertInside(PixelRect? found, int width, int height)
    {
        if (found is not { } rect)
        {
            return;
        }

        Assert.True(rect.X >= 0 && rect.Y >= 0 && rect.Width >= 1 && rect.Height >= 1 && rect.Right <= width && rect.Bottom <= height,
            $"{rect} is not inside {width}x{height}");
        Assert.False(rect.IsWhole(width, height), $"{rect} is the whole {width}x{height} image");
    }

    private static void Fill(Pixels image, int x, int y, int width, int height, Colour colour) =>
        Paste(image, Filled(width, height, colour), x, y);
}
