using Vigil.Media.Processing;

namespace Vigil.Video;

/// <summary>Copies a rectangle out of a decoded frame's packed RGB rows (the crop before hashing a trimmed frame).</summary>
public static class FrameCrop
{
    /// <summary>
    /// Copies <paramref name="rectangle"/> of a <paramref name="width"/>-pixel-wide frame of packed 8-bit RGB rows into
    /// <paramref name="destination"/> as packed rows of its own (<c>rectangle.Width * 3</c> bytes each); returns the
    /// bytes written, <c>rectangle.Width * rectangle.Height * 3</c>.
    /// </summary>
    /// <param name="rgb">The frame: <paramref name="width"/> * height * 3 bytes.</param>
    /// <param name="width">The frame's width in pixels.</param>
    /// <param name="rectangle">A non-empty rectangle inside the frame.</param>
    /// <param name="destination">At least <c>rectangle.Width * rectangle.Height * 3</c> bytes.</param>
    /// <exception cref="ArgumentException">The rectangle is empty or not inside the frame, or the destination is too small.</exception>
    public static int Copy(ReadOnlySpan<byte> rgb, int width, PixelRect rectangle, Span<byte> destination)
    {
        int height = width > 0 ? rgb.Length / (width * 3) : 0;
        if (!Fits(rectangle, width, height))
            throw new ArgumentException($"the rectangle {rectangle} is not inside a {width}x{height} frame", nameof(rectangle));
        int rowBytes = rectangle.Width * 3;
        int total = rowBytes * rectangle.Height;
        if (destination.Length < total)
            throw new ArgumentException($"the destination holds {destination.Length} bytes, the crop needs {total}", nameof(destination));
        int stride = width * 3;
        for (int row = 0; row < rectangle.Height; row++)
            rgb.Slice((rectangle.Y + row) * stride + rectangle.X * 3, rowBytes).CopyTo(destination.Slice(row * rowBytes, rowBytes));
        return total;
    }

    /// <summary>Whether <paramref name="rectangle"/> is non-empty and inside a <paramref name="width"/> x <paramref name="height"/> frame.</summary>
    public static bool Fits(PixelRect rectangle, int width, int height) =>
        rectangle.Width > 0 && rectangle.Height > 0 && rectangle.X >= 0 && rectangle.Y >= 0
        && rectangle.Right <= width && rectangle.Bottom <= height;
}
