namespace Vigil.Media.Processing;

/// <summary>An 8-bit sRGB colour, as stored in <see cref="RgbImage.Pixels"/>.</summary>
/// <param name="R">Red, 0..255.</param>
/// <param name="G">Green, 0..255.</param>
/// <param name="B">Blue, 0..255.</param>
public readonly record struct Rgb(byte R, byte G, byte B)
{
    /// <summary>Black (0, 0, 0).</summary>
    public static Rgb Black => new(0, 0, 0);

    /// <summary>White (255, 255, 255).</summary>
    public static Rgb White => new(255, 255, 255);
}
