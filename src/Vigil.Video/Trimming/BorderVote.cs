using Vigil.Media.Processing;

namespace Vigil.Video;

/// <summary>
/// One sampled frame's vote on where a video's picture is: the rectangle <see cref="BorderTrimmer"/> finds inside its
/// uniform borders, no borders, or no opinion for a nearly uniform frame (a black frame between scenes is all "border"
/// and must not outvote the bars seen in the others). <see cref="BorderConsensus"/> counts the votes.
/// </summary>
/// <param name="Kind">What the frame says.</param>
/// <param name="Rectangle">The picture's rectangle when <see cref="Kind"/> is <see cref="BorderVoteKind.Border"/>; default otherwise.</param>
/// <param name="Width">The frame's width in pixels.</param>
/// <param name="Height">The frame's height in pixels.</param>
public readonly record struct BorderVote(BorderVoteKind Kind, PixelRect Rectangle, int Width, int Height)
{
    /// <summary>A frame is nearly uniform when it is judged on this many rows and columns of samples at most.</summary>
    private const int UniformGrid = 32;

    /// <summary>
    /// The vote of a frame of packed 8-bit RGB rows (3 bytes a pixel, no padding): abstains when every sampled pixel is
    /// within the trim tolerance of the others on each channel; otherwise the rectangle <see cref="BorderTrimmer.Find(ReadOnlySpan{byte}, int, int, BorderTrimOptions?)"/>
    /// finds, or no border. Reads a 32x32 grid and the borders' lines only: well under a millisecond on an HD frame.
    /// </summary>
    /// <param name="rgb">Exactly <paramref name="width"/> * <paramref name="height"/> * 3 bytes; only read.</param>
    /// <param name="width">Width in pixels, at least 1.</param>
    /// <param name="height">Height in pixels, at least 1.</param>
    /// <param name="options">The trimmer's thresholds; null for <see cref="BorderTrimOptions.Default"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is not positive, or an option is outside its range.</exception>
    /// <exception cref="ArgumentException"><paramref name="rgb"/> has the wrong length.</exception>
    public static BorderVote Of(ReadOnlySpan<byte> rgb, int width, int height, BorderTrimOptions? options = null)
    {
        options ??= BorderTrimOptions.Default;
        var rectangle = BorderTrimmer.Find(rgb, width, height, options);
        if (rectangle is { } found)
            return new BorderVote(BorderVoteKind.Border, found, width, height);
        return IsNearlyUniform(rgb, width, height, options.Tolerance)
            ? new BorderVote(BorderVoteKind.Abstain, default, width, height)
            : new BorderVote(BorderVoteKind.NoBorder, default, width, height);
    }

    /// <summary>Whether each channel's sampled values span at most <paramref name="tolerance"/> levels.</summary>
    private static bool IsNearlyUniform(ReadOnlySpan<byte> rgb, int width, int height, int tolerance)
    {
        int columns = Math.Min(width, UniformGrid), rows = Math.Min(height, UniformGrid);
        int minR = 255, minG = 255, minB = 255, maxR = 0, maxG = 0, maxB = 0;
        for (int row = 0; row < rows; row++)
        {
            int y = (int)(((2L * row + 1) * height) / (2 * rows));
            int rowOffset = y * width * 3;
            for (int column = 0; column < columns; column++)
            {
                int x = (int)(((2L * column + 1) * width) / (2 * columns));
                int offset = rowOffset + x * 3;
                int r = rgb[offset], g = rgb[offset + 1], b = rgb[offset + 2];
                minR = Math.Min(minR, r);
                maxR = Math.Max(maxR, r);
                minG = Math.Min(minG, g);
                maxG = Math.Max(maxG, g);
                minB = Math.Min(minB, b);
                maxB = Math.Max(maxB, b);
            }
        }
        return maxR - minR <= tolerance && maxG - minG <= tolerance && maxB - minB <= tolerance;
    }
}
