namespace Vigil.Media.Encoders;

/// <summary>
/// Writes packed 8-bit RGB pixels (the layout of <see cref="RgbImage.Pixels"/>) as a truecolour PNG file (one
/// IDAT chunk, filter type 0 on every row, zlib-compressed), for derivatives such as blurred review images.
/// </summary>
public static class RgbPngEncoder
{
    /// <summary>
    /// The PNG of <paramref name="rgb"/>: <paramref name="height"/> rows of <paramref name="width"/> pixels of three
    /// bytes (red, green, blue), top to bottom, with no padding.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The size is not positive or is larger than 65,535 on a side.</exception>
    /// <exception cref="ArgumentException"><paramref name="rgb"/> is not width × height × 3 bytes.</exception>
    public static byte[] Encode(ReadOnlySpan<byte> rgb, int width, int height) =>
        PngWriter.Encode(rgb, width, height, channels: 3, PngWriter.Truecolour, nameof(rgb));
}
