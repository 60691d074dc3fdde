namespace Vigil.Media.Encoders;

/// <summary>
/// Writes 8-bit greyscale pixels as a PNG file (one IDAT chunk, filter type 0 on every row,
/// zlib-compressed), so that small images such as review thumbnails can be shown by any browser.
/// </summary>
public static class GrayPngEncoder
{
    /// <summary>The PNG of <paramref name="pixels"/>: <paramref name="height"/> rows of <paramref name="width"/> bytes, top to bottom.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The size is not positive or is larger than 65,535 on a side.</exception>
    /// <exception cref="ArgumentException"><paramref name="pixels"/> is not width × height bytes.</exception>
    public static byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height) =>
        PngWriter.Encode(pixels, width, height, channels: 1, PngWriter.Greyscale, nameof(pixels));
}
