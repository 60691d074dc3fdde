namespace Vigil.Media.Processing;

/// <summary>
/// A rectangle of whole pixels in an image: columns <see cref="X"/> to <see cref="Right"/> (exclusive) and rows
/// <see cref="Y"/> to <see cref="Bottom"/> (exclusive), with (0, 0) the top left pixel.
/// </summary>
/// <param name="X">The first column.</param>
/// <param name="Y">The first row.</param>
/// <param name="Width">The number of columns.</param>
/// <param name="Height">The number of rows.</param>
public readonly record struct PixelRect(int X, int Y, int Width, int Height)
{
    /// <summary>The column just right of the rectangle, <c>X + Width</c>.</summary>
    public int Right => X + Width;

    /// <summary>The row just below the rectangle, <c>Y + Height</c>.</summary>
    public int Bottom => Y + Height;

    /// <summary>The number of pixels, <c>Width * Height</c> (as a long: it does not overflow for any image).</summary>
    public long Area => (long)Width * Height;

    /// <summary>Whether this is the whole of a <paramref name="width"/> × <paramref name="height"/> image.</summary>
    /// <param name="width">The image's width in pixels.</param>
    /// <param name="height">The image's height in pixels.</param>
    public bool IsWhole(int width, int height) => X == 0 && Y == 0 && Width == width && Height == height;
}
