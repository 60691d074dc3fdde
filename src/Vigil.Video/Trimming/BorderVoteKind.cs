namespace Vigil.Video;

/// <summary>What one sampled frame says about the video's borders (see <see cref="BorderVote"/>).</summary>
public enum BorderVoteKind
{
    /// <summary>The frame is nearly uniform (a black or faded frame): it says nothing about borders either way.</summary>
    Abstain,

    /// <summary>The frame's picture reaches its edges: no borders.</summary>
    NoBorder,

    /// <summary>The frame's picture sits inside uniform borders, in <see cref="BorderVote.Rectangle"/>.</summary>
    Border,
}
