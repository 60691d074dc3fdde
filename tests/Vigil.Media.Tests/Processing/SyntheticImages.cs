using Vigil.Media.Processing;

namespace Vigil.Media.Tests.Processing;

/// <summary>
/// Generated inputs for the border and region finders: textured pictures, plain borders and canvases, text-like
/// bars and JPEG-like noise. Everything is deterministic from a seed.
/// </summary>
internal static class SyntheticImages
{
    /// <summary>An RGB colour.</summary>
    public readonly record struct Colour(byte R, byte G, byte B)
    {
        public override string ToString() => $"({R},{G},{B})";
    }

    public static readonly Colour Black = new(0, 0, 0);
    public static readonly Colour White = new(255, 255, 255);
    public static readonly Colour Grey = new(128, 128, 128);
    public static readonly Colour NearBlack = new(12, 10, 14);
    public static readonly Colour NearWhite = new(245, 243, 240);

    /// <summary>Packed RGB pixels with their size.</summary>
    public sealed record Pixels(int Width, int Height, byte[] Rgb)
    {
        public RgbImage ToImage() => RgbImage.FromPixels(Width, Height, Rgb);
    }

    /// <summary>
    /// A textured picture: a smooth gradient between two random colours in a random direction, 6 to 13 random
    /// ellipses of random colours, and ±12 noise on every channel.
    /// </summary>
    public static Pixels Picture(int width, int height, int seed)
    {
        var random = new Random(seed);
        var rgb = new byte[width * height * 3];
        var from = RandomColour(random);
        var to = RandomColour(random);
        var angle = random.NextDouble() * Math.PI * 2;
        double dx = Math.Cos(angle), dy = Math.Sin(angle);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var t = Math.Clamp(((((x - (width / 2.0)) * dx) + ((y - (height / 2.0)) * dy)) / Math.Max(width, height)) + 0.5, 0, 1);
                var offset = ((y * width) + x) * 3;
                rgb[offset] = (byte)(from.R + ((to.R - from.R) * t));
                rgb[offset + 1] = (byte)(from.G + ((to.G - from.G) * t));
                rgb[offset + 2] = (byte)(from.B + ((to.B - from.B) * t));
            }
        }

        var blobs = random.Next(6, 14);
        for (var i = 0; i < blobs; i++)
        {
            double cx = random.NextDouble() * width, cy = random.NextDouble() * height;
            double rx = (0.05 + (random.NextDouble() * 0.25)) * width, ry = (0.05 + (random.NextDouble() * 0.25)) * height;
            var colour = RandomColour(random);
            for (var y = Math.Max(0, (int)(cy - ry)); y < Math.Min(height, (int)(cy + ry) + 1); y++)
            {
                for (var x = Math.Max(0, (int)(cx - rx)); x < Math.Min(width, (int)(cx + rx) + 1); x++)
                {
                    double ex = (x - cx) / rx, ey = (y - cy) / ry;
                    if ((ex * ex) + (ey * ey) < 1)
                    {
                        Set(rgb, ((y * width) + x) * 3, colour);
                    }
                }
            }
        }

        AddNoise(rgb, 0, rgb.Length, 12, random);
        return new Pixels(width, height, rgb);
    }

    /// <summary>
    /// <see cref="Picture"/> from the first seed (from <paramref name="seed"/> on) whose outer two lines on every side
    /// are at least 60%, and whose whole is at least 60%, clearly (more than 24) away from each of
    /// <paramref name="colours"/>: a picture that a border or canvas of that colour can be told from at all.
    /// With <paramref name="everyLine"/>, also every row and column at least 30% (a line of canvas colour right
    /// across a picture on a canvas cuts it in two). With <paramref name="cleanEdges"/>, the outer three lines on every
    /// side stand out at 99% of their pixels (a picture turned inside a canvas filled with that colour then leaves
    /// clean triangles at its corners: a stretch of its own edge in the fill colour would lengthen one).
    /// </summary>
    public static Pixels PictureStandingOut(int width, int height, int seed, Colour colour, bool everyLine = false, bool cleanEdges = false)
    {
        for (var attempt = 0; attempt < 400; attempt++)
        {
            var picture = Picture(width, height, seed + (attempt * 7919));
            // A picture whose own outer line is one flat colour has a border of its own (a blob along its edge): no
            // trimmer can tell it from a frame, so such pictures are not used.
            var standsOut = EdgeShareAway(picture, colour) >= 0.6 && ShareAway(picture, colour) >= 0.6 && !HasFlatOuterLine(picture)
                && (!everyLine || LeastLineShareAway(picture, colour) >= 0.3)
                && (!cleanEdges || EdgeShareAway(picture, colour, depth: 3) >= 0.99);

            if (standsOut)
            {
                return picture;
            }
        }

        throw new InvalidOperationException($"no {width}x{height} picture stands out from {colour}");
    }

    /// <summary>
    /// Whether any outermost row or column has nine pixels in ten within 12 (half the trimmer's default tolerance) of
    /// its per-channel median: what a border's outer line looks like.
    /// </summary>
    public static bool HasFlatOuterLine(Pixels picture)
    {
        foreach (var vertical in new[] { false, true })
        {
            var length = vertical ? picture.Height : picture.Width;
            foreach (var line in new[] { 0, (vertical ? picture.Width : picture.Height) - 1 })
            {
                var channels = new byte[3][];
                for (var c = 0; c < 3; c++)
                {
                    channels[c] = new byte[length];
                }

                for (var position = 0; position < length; position++)
                {
                    var (x, y) = vertical ? (line, position) : (position, line);
                    for (var c = 0; c < 3; c++)
                    {
                        channels[c][position] = picture.Rgb[(((y * picture.Width) + x) * 3) + c];
                    }
                }

                var median = new Colour(Median(channels[0]), Median(channels[1]), Median(channels[2]));
                var near = 0;
                for (var position = 0; position < length; position++)
                {
                    var (x, y) = vertical ? (line, position) : (position, line);
                    near += Distance(picture.Rgb, ((y * picture.Width) + x) * 3, median) <= 12 ? 1 : 0;
                }

                if (near >= 0.9 * length)
                {
                    return true;
                }
            }
        }

        return false;

        static byte Median(byte[] values)
        {
            var sorted = (byte[])values.Clone();
            Array.Sort(sorted);
            return sorted[sorted.Length / 2];
        }
    }

    public static Colour RandomColour(Random random) => new((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));

    public static Pixels Filled(int width, int height, Colour colour)
    {
        var rgb = new byte[width * height * 3];
        for (var offset = 0; offset < rgb.Length; offset += 3)
        {
            Set(rgb, offset, colour);
        }

        return new Pixels(width, height, rgb);
    }

    /// <summary>The picture with borders of one colour: <paramref name="top"/> rows above it, and so on.</summary>
    public static Pixels WithBorders(Pixels picture, int top, int bottom, int left, int right, Colour colour)
    {
        var image = Filled(picture.Width + left + right, picture.Height + top + bottom, colour);
        Paste(image, picture, left, top);
        return image;
    }

    public static void Paste(Pixels target, Pixels source, int x, int y)
    {
        for (var row = 0; row < source.Height; row++)
        {
            source.Rgb.AsSpan(row * source.Width * 3, source.Width * 3).CopyTo(target.Rgb.AsSpan((((y + row) * target.Width) + x) * 3));
        }
    }

    /// <summary>
    /// JPEG-like damage to everything outside <paramref name="picture"/>: ±8 noise on each channel, and ringing on
    /// the two lines next to the picture (±16 on the line touching it, ±8 on the next, the same on all channels, as
    /// luma ringing is).
    /// </summary>
    public static void AddBorderNoise(Pixels image, PixelRect picture, int seed)
    {
        var random = new Random(seed);
        var rgb = image.Rgb;
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                var dx = x < picture.X ? picture.X - x : x >= picture.Right ? x - picture.Right + 1 : 0;
                var dy = y < picture.Y ? picture.Y - y : y >= picture.Bottom ? y - picture.Bottom + 1 : 0;
                if (dx == 0 && dy == 0)
                {
                    continue;
                }

                var distance = Math.Max(dx, dy);
                var ringing = distance == 1 ? random.Next(-16, 17) : distance == 2 ? random.Next(-8, 9) : 0;
                var offset = ((y * image.Width) + x) * 3;
                for (var channel = 0; channel < 3; channel++)
                {
                    rgb[offset + channel] = (byte)Math.Clamp(rgb[offset + channel] + ringing + random.Next(-8, 9), 0, 255);
                }
            }
        }
    }

    /// <summary>±8 noise on every channel of the whole image (a JPEG-noised plain canvas).</summary>
    public static void AddNoise(Pixels image, int seed) => AddNoise(image.Rgb, 0, image.Rgb.Length, 8, new Random(seed));

    /// <summary>
    /// Lines of text-like dark (or light) bars between rows <paramref name="top"/> and <paramref name="bottom"/> and
    /// columns <paramref name="left"/> and <paramref name="right"/>: each line 3 to 7 pixels high, words of 5 to 30
    /// pixels with gaps of 3 to 8, lines 4 to 9 pixels apart, each line 30% to 100% of the width.
    /// </summary>
    public static void AddTextLines(Pixels image, int top, int bottom, int left, int right, Colour ink, Random random)
    {
        for (var line = top; ;)
        {
            var lineHeight = random.Next(3, 8);
            if (line + lineHeight > bottom)
            {
                return;
            }

            var end = left + (int)((right - left) * (0.3 + (0.7 * random.NextDouble())));
            for (var x = left; x < end;)
            {
                var word = Math.Min(end - x, random.Next(5, 31));
                for (var y = line; y < line + lineHeight; y++)
                {
                    for (var i = 0; i < word; i++)
                    {
                        Set(image.Rgb, ((y * image.Width) + x + i) * 3, ink);
                    }
                }

                x += word + random.Next(3, 9);
            }

            line += lineHeight + random.Next(4, 10);
        }
    }

    /// <summary>Every channel multiplied by <paramref name="factor"/> (a dark photo from a normal one).</summary>
    public static Pixels Darkened(Pixels picture, double factor)
    {
        var rgb = new byte[picture.Rgb.Length];
        for (var i = 0; i < rgb.Length; i++)
        {
            rgb[i] = (byte)(picture.Rgb[i] * factor);
        }

        return picture with { Rgb = rgb };
    }

    /// <summary>Decodes a fixture (a path under tests/fixtures/threatexchange) to packed RGB.</summary>
    public static Pixels Fixture(ImageDecoder decoder, string relative)
    {
        using var image = decoder.DecodeFile(Support.Fixtures.Path_(relative));
        return new Pixels(image.Width, image.Height, image.Pixels.ToArray());
    }

    /// <summary>The share of the picture's pixels more than <paramref name="tolerance"/> from the colour.</summary>
    public static double ShareAway(Pixels picture, Colour colour, int tolerance = 24)
    {
        var away = 0;
        for (var offset = 0; offset < picture.Rgb.Length; offset += 3)
        {
            away += Distance(picture.Rgb, offset, colour) > tolerance ? 1 : 0;
        }

        return (double)away / (picture.Width * picture.Height);
    }

    /// <summary>The least, over the four sides' outer <paramref name="depth"/> lines, share of a line's pixels more than <paramref name="tolerance"/> from the colour.</summary>
    public static double EdgeShareAway(Pixels picture, Colour colour, int tolerance = 24, int depth = 2)
    {
        var least = 1.0;
        foreach (var vertical in new[] { false, true })
        {
            var lines = vertical ? picture.Width : picture.Height;
            var length = vertical ? picture.Height : picture.Width;
            for (var outer = 0; outer < 2 * depth; outer++)
            {
                var line = outer < depth ? outer : lines - 1 - (outer - depth);
                var away = 0;
                for (var position = 0; position < length; position++)
                {
                    var (x, y) = vertical ? (line, position) : (position, line);
                    away += Distance(picture.Rgb, ((y * picture.Width) + x) * 3, colour) > tolerance ? 1 : 0;
                }

                least = Math.Min(least, (double)away / length);
            }
        }

        return least;
    }

    /// <summary>The least, over all rows and columns, share of a line's pixels more than <paramref name="tolerance"/> from the colour.</summary>
    public static double LeastLineShareAway(Pixels picture, Colour colour, int tolerance = 24)
    {
        var rows = new int[picture.Height];
        var columns = new int[picture.Width];
        for (var y = 0; y < picture.Height; y++)
        {
            for (var x = 0; x < picture.Width; x++)
            {
                if (Distance(picture.Rgb, ((y * picture.Width) + x) * 3, colour) > tolerance)
                {
                    rows[y]++;
                    columns[x]++;
                }
            }
        }

        return Math.Min((double)rows.Min() / picture.Width, (double)columns.Min() / picture.Height);
    }

    public static int Distance(byte[] rgb, int offset, Colour colour) =>
        Math.Max(Math.Abs(rgb[offset] - colour.R), Math.Max(Math.Abs(rgb[offset + 1] - colour.G), Math.Abs(rgb[offset + 2] - colour.B)));

    private static void AddNoise(byte[] rgb, int from, int to, int amplitude, Random random)
    {
        for (var i = from; i < to; i++)
        {
            rgb[i] = (byte)Math.Clamp(rgb[i] + random.Next(-amplitude, amplitude + 1), 0, 255);
        }
    }

    private static void Set(byte[] rgb, int offset, Colour colour)
    {
        rgb[offset] = colour.R;
        rgb[offset + 1] = colour.G;
        rgb[offset + 2] = colour.B;
    }
}
