using Vigil.Media.Processing;

namespace Vigil.Video;

/// <summary>
/// The one picture rectangle a run of sampled frames agrees on. Bars are constant across a video, while one frame's
/// trim can be fooled (a dark scene runs into black bars, a frame's top rows happen to be flat), so the frames vote
/// (<see cref="BorderVote"/>): the rectangle wins that the most frames found, counting each frame whose rectangle has
/// every edge within <see cref="Tolerance"/> of it, when those frames are at least half the frames with an opinion and
/// more than the frames that found no border. Frames that abstain (nearly uniform) do not count either way.
/// </summary>
public static class BorderConsensus
{
    /// <summary>
    /// How far (pixels) two frames' edges may differ and still agree: 2 pixels, or 1% of the frame's width (left and
    /// right edges) or height (top and bottom) when that is more.
    /// </summary>
    public static int Tolerance(int length) => Math.Max(2, length / 100);

    /// <summary>
    /// The rectangle <paramref name="votes"/> agree on for frames of <paramref name="width"/> x <paramref name="height"/>,
    /// or null: no majority for one rectangle, or no frame with an opinion. Votes of frames of another size do not count.
    /// O(n²) in the votes: meant for a window of tens of frames.
    /// </summary>
    /// <param name="votes">The frames' votes, in any order.</param>
    /// <param name="width">The frames' width in pixels.</param>
    /// <param name="height">The frames' height in pixels.</param>
    public static PixelRect? Find(ReadOnlySpan<BorderVote> votes, int width, int height)
    {
        int tolerateX = Tolerance(width), tolerateY = Tolerance(height);
        int opinions = 0, noBorder = 0, bestSupport = 0, best = -1;
        for (int i = 0; i < votes.Length; i++)
        {
            var vote = votes[i];
            if (vote.Width != width || vote.Height != height || vote.Kind == BorderVoteKind.Abstain)
                continue;
            opinions++;
            if (vote.Kind == BorderVoteKind.NoBorder)
            {
                noBorder++;
                continue;
            }
            int support = 0;
            for (int j = 0; j < votes.Length; j++)
            {
                var other = votes[j];
                if (other.Kind == BorderVoteKind.Border && other.Width == width && other.Height == height
                    && Near(vote.Rectangle, other.Rectangle, tolerateX, tolerateY))
                    support++;
            }
            if (support > bestSupport)
                (bestSupport, best) = (support, i);
        }
        if (best < 0 || bestSupport * 2 < opinions || bestSupport <= noBorder)
            return null;
        return votes[best].Rectangle;
    }

    private static bool Near(PixelRect a, PixelRect b, int tolerateX, int tolerateY) =>
        Math.Abs(a.X - b.X) <= tolerateX && Math.Abs(a.Right - b.Right) <= tolerateX
        && Math.Abs(a.Y - b.Y) <= tolerateY && Math.Abs(a.Bottom - b.Bottom) <= tolerateY;
}
