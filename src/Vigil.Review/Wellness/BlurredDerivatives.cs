namespace Vigil.Review.Wellness;

/// <summary>A blurred, shrunk (by default greyscale) PNG of an image, safe to show a reviewer before any reveal.</summary>
/// <param name="Png">The PNG file.</param>
/// <param name="Width">Its width in pixels.</param>
/// <param name="Height">Its height in pixels.</param>
/// <param name="Greyscale">Whether it is greyscale (a grey PNG) rather than colour.</param>
public sealed record BlurredImage(byte[] Png, int Width, int Height, bool Greyscale)
{
    /// <summary>The content type to serve <see cref="Png"/> with.</summary>
    public const string ContentType = "image/png";
}

/// <summary>A video shown safely: blurred frames sampled evenly over it, tiled left to right in time order in one PNG.</summary>
/// <param name="Png">The PNG file.</param>
/// <param name="Width">Its width in pixels: <paramref name="TileCount"/> × <paramref name="TileWidth"/>.</param>
/// <param name="Height">Its height in pixels (one tile's).</param>
/// <param name="TileCount">How many frames it shows.</param>
/// <param name="TileWidth">The width of each tile.</param>
/// <param name="FrameNumbers">The decoded frame number each tile shows, left to right.</param>
/// <param name="Greyscale">Whether it is greyscale (a grey PNG) rather than colour.</param>
public sealed record BlurredVideoStrip(byte[] Png, int Width, int Height, int TileCount, int TileWidth, IReadOnlyList<long> FrameNumbers, bool Greyscale)
{
    /// <summary>The content type to serve <see cref="Png"/> with.</summary>
    public const string ContentType = "image/png";
}
