namespace Vigil.Classifiers;

/// <summary>How the scores of a video's sampled frames make the video's: the highest frame decides (one bad scene is enough to look).</summary>
public static class FrameScores
{
    /// <summary>The index of the frame with the highest score (the first of equals); -1 when there are none.</summary>
    public static int Highest(IReadOnlyList<MediaScore> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        int best = -1;
        for (int i = 0; i < frames.Count; i++)
        {
            if (best < 0 || frames[i].Score > frames[best].Score)
                best = i;
        }
        return best;
    }
}
