namespace Vigil.Media.Processing;

public static partial class ImageEdits
{
    /// <summary>The largest bar, as a fraction of the picture's side, that <see cref="Letterbox"/> and <see cref="Pillarbox"/> accept.</summary>
    public const double MaxBarFraction = 10;

    /// <summary>The light grey page behind <see cref="ScreenshotCanvas"/>.</summary>
    private static readonly Rgb s_pageColour = new(240, 240, 240);

    private static readonly Rgb s_titleColour = new(34, 34, 34);
    private static readonly Rgb s_captionColour = new(96, 96, 96);

    /// <summary>
    /// Adds bars above and below the picture, as a video or a phone screenshot does to a wide image: the picture
    /// keeps its size and pixels, and each bar is round(<paramref name="barFraction"/> × height) rows of
    /// <paramref name="colour"/>, so the result is height + 2 × bar rows tall.
    /// </summary>
    /// <param name="image">The picture; unchanged.</param>
    /// <param name="barFraction">Height of each bar as a fraction of the picture's height, 0 to <see cref="MaxBarFraction"/>.</param>
    /// <param name="colour">The bars' colour.</param>
    /// <returns>A new image, as wide as the picture.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="barFraction"/> is out of range or the result is too large.</exception>
    public static RgbImage Letterbox(RgbImage image, double barFraction, Rgb colour)
    {
        ArgumentNullException.ThrowIfNull(image);
        CheckBarFraction(barFraction);
        var bar = FractionOf(image.Height, barFraction);
        return Framed(image, 0, bar, 0, bar, colour);
    }

    /// <summary>
    /// Adds bars left and right of the picture, as a wide screen does to a tall image: the picture keeps its size and
    /// pixels, and each bar is round(<paramref name="barFraction"/> × width) columns of <paramref name="colour"/>, so
    /// the result is width + 2 × bar columns wide.
    /// </summary>
    /// <param name="image">The picture; unchanged.</param>
    /// <param name="barFraction">Width of each bar as a fraction of the picture's width, 0 to <see cref="MaxBarFraction"/>.</param>
    /// <param name="colour">The bars' colour.</param>
    /// <returns>A new image, as tall as the picture.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="barFraction"/> is out of range or the result is too large.</exception>
    public static RgbImage Pillarbox(RgbImage image, double barFraction, Rgb colour)
    {
        ArgumentNullException.ThrowIfNull(image);
        CheckBarFraction(barFraction);
        var bar = FractionOf(image.Width, barFraction);
        return Framed(image, bar, 0, bar, 0, colour);
    }

    /// <summary>Surrounds the picture with a border <paramref name="pixels"/> wide on all four sides; the picture keeps its size and pixels.</summary>
    /// <param name="image">The picture; unchanged.</param>
    /// <param name="pixels">Width of the border, at least 0.</param>
    /// <param name="colour">The border's colour.</param>
    /// <returns>A new image, 2 × <paramref name="pixels"/> wider and taller than the picture.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pixels"/> is negative or the result is too large.</exception>
    public static RgbImage AddBorder(RgbImage image, int pixels, Rgb colour)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegative(pixels);
        return Framed(image, pixels, pixels, pixels, pixels, colour);
    }

    /// <summary>
    /// Places the picture, unchanged, with its top-left pixel at (<paramref name="x"/>, <paramref name="y"/>) on a
    /// plain <paramref name="canvasWidth"/> × <paramref name="canvasHeight"/> canvas of <paramref name="background"/>.
    /// </summary>
    /// <param name="image">The picture; unchanged.</param>
    /// <param name="canvasWidth">Width of the canvas, at least 1.</param>
    /// <param name="canvasHeight">Height of the canvas, at least 1.</param>
    /// <param name="x">Column of the picture's left edge on the canvas.</param>
    /// <param name="y">Row of the picture's top edge on the canvas.</param>
    /// <param name="background">The canvas's colour.</param>
    /// <returns>A new image of the canvas's size.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The canvas is empty or too large, or the picture does not lie wholly on it.</exception>
    public static RgbImage EmbedInCanvas(RgbImage image, int canvasWidth, int canvasHeight, int x, int y, Rgb background)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(canvasWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(canvasHeight, 1);
        CheckCanvasSize(canvasWidth, canvasHeight, nameof(canvasWidth));
        var outsideAcross = x < 0 || (long)x + image.Width > canvasWidth;
        if (outsideAcross || y < 0 || (long)y + image.Height > canvasHeight)
        {
            throw new ArgumentOutOfRangeException(
                outsideAcross ? nameof(x) : nameof(y),
                $"a {image.Width}x{image.Height} picture at ({x}, {y}) does not fit on a {canvasWidth}x{canvasHeight} canvas");
        }

        return Embedded(image, canvasWidth, canvasHeight, x, y, background);
    }

    /// <summary>
    /// The picture as it looks in a screenshot of a web page or a chat: unchanged, on a light grey canvas 1.6 times
    /// as wide and 1.5 times as tall (rounded; at least one pixel more each way), with a dark title line of made-up
    /// words above it and two or three grey caption lines below. Where the picture sits and what the lines say come
    /// from <paramref name="seed"/> (<c>new System.Random(seed)</c>); lines that would not fit are left out.
    /// </summary>
    /// <param name="image">The picture; unchanged.</param>
    /// <param name="seed">Seed of the layout and the words.</param>
    /// <returns>A new image of the canvas's size.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The canvas would be too large.</exception>
    public static RgbImage ScreenshotCanvas(RgbImage image, int seed)
    {
        ArgumentNullException.ThrowIfNull(image);
        int width = image.Width, height = image.Height;
        long canvasWidth = Math.Max(width + 1L, (long)Math.Round(width * 1.6, MidpointRounding.AwayFromZero));
        long canvasHeight = Math.Max(height + 1L, (long)Math.Round(height * 1.5, MidpointRounding.AwayFromZero));
        CheckCanvasSize(canvasWidth, canvasHeight, nameof(image));

        var random = new Random(seed);
        var spareWidth = (int)canvasWidth - width;
        var spareHeight = (int)canvasHeight - height;
        var x = (int)Math.Round(spareWidth * (0.1 + (0.4 * random.NextDouble())));
        var y = (int)Math.Round(spareHeight * (0.4 + (0.2 * random.NextDouble())));
        var result = Embedded(image, (int)canvasWidth, (int)canvasHeight, x, y, s_pageColour);
        var canvas = result.WritablePixels;

        // The title: glyphs about a third as tall as the space above the picture, vertically centred in it.
        var titleScale = Math.Max(1, y / 3 / BitmapFont.GlyphHeight);
        var titleHeight = BitmapFont.GlyphHeight * titleScale;
        if (titleHeight + 2 <= y)
        {
            DrawMadeUpLine(canvas, (int)canvasWidth, (int)canvasHeight, x, (y - titleHeight) / 2, width, titleScale, s_titleColour, random);
        }

        // Caption lines: glyphs about a sixth as tall as the space below the picture, one glyph height apart.
        var below = spareHeight - y;
        var captionScale = Math.Max(1, below / 6 / BitmapFont.GlyphHeight);
        var lineStep = 2 * BitmapFont.GlyphHeight * captionScale;
        var lines = 2 + random.Next(2);
        for (var line = 0; line < lines; line++)
        {
            var top = y + height + (BitmapFont.GlyphHeight * captionScale / 2) + (line * lineStep);
            if (top + (BitmapFont.GlyphHeight * captionScale) > canvasHeight - 1)
            {
                break;
            }

            DrawMadeUpLine(canvas, (int)canvasWidth, (int)canvasHeight, x, top, width, captionScale, s_captionColour, random);
        }

        return result;
    }

    /// <summary>Draws a line of random lower-case words filling 60..100% of <paramref name="maxWidth"/> pixels.</summary>
    private static void DrawMadeUpLine(Span<byte> canvas, int canvasWidth, int canvasHeight, int x, int y, int maxWidth, int scale, Rgb colour, Random random)
    {
        var characters = (int)(maxWidth * (0.6 + (0.4 * random.NextDouble())) / (BitmapFont.Advance * scale));
        Span<char> text = stackalloc char[Math.Clamp(characters, 0, 256)];
        var wordLeft = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (wordLeft == 0)
            {
                wordLeft = 2 + random.Next(8);
                // A space between words, never first or last.
                if (i > 0 && i < text.Length - 1)
                {
                    text[i] = ' ';
                    continue;
                }
            }

            text[i] = (char)('a' + random.Next(26));
            wordLeft--;
        }

        BitmapFont.Draw(canvas, canvasWidth, canvasHeight, x, y, text, scale, colour);
    }

    private static void CheckBarFraction(double barFraction)
    {
        if (!(barFraction >= 0 && barFraction <= MaxBarFraction))
        {
            throw new ArgumentOutOfRangeException(nameof(barFraction), barFraction, $"the bar fraction must be between 0 and {MaxBarFraction}");
        }
    }

    private static RgbImage Framed(RgbImage image, int left, int top, int right, int bottom, Rgb colour)
    {
        long width = (long)image.Width + left + right;
        long height = (long)image.Height + top + bottom;
        CheckCanvasSize(width, height, nameof(image));
        return Embedded(image, (int)width, (int)height, left, top, colour);
    }

    private static RgbImage Embedded(RgbImage image, int canvasWidth, int canvasHeight, int x, int y, Rgb background)
    {
        var result = NewImage(canvasWidth, canvasHeight);
        var canvas = result.WritablePixels;
        RgbDrawing.Fill(canvas, background);
        RgbDrawing.CopyRect(image.Pixels, image.Width, 0, 0, canvas, canvasWidth, x, y, image.Width, image.Height);
        return result;
    }
}
