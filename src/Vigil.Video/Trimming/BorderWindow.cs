using Vigil.Media.Processing;

namespace Vigil.Video;

/// <summary>
/// The picture rectangle of a stream, re-estimated over a sliding window of its most recent sampled frames
/// (<see cref="BorderConsensus"/> over their <see cref="BorderVote"/>s), for matching a live stream's frames with
/// their bars trimmed. Not thread-safe: one per stream.
/// </summary>
public sealed class BorderWindow
{
    /// <summary>The default window: the last 16 sampled frames (8 s at <c>vigil watch</c>'s 2 frames a second).</summary>
    public const int DefaultFrames = 16;

    private readonly BorderVote[] _votes;
    private int _count;
    private int _next;

    /// <summary>A window over the last <paramref name="frames"/> sampled frames.</summary>
    /// <param name="frames">How many recent frames vote, at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="frames"/> is less than 1.</exception>
    public BorderWindow(int frames = DefaultFrames)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frames, 1);
        _votes = new BorderVote[frames];
    }

    /// <summary>How many frames the window holds at most.</summary>
    public int Capacity => _votes.Length;

    /// <summary>
    /// Adds a frame's vote (the oldest leaves a full window) and returns the rectangle the window now agrees on for
    /// frames of the vote's size, or null. A vote for another frame size than the window's (a stream reconnected at
    /// another resolution) empties the window first.
    /// </summary>
    /// <param name="vote">The newest frame's vote.</param>
    public PixelRect? Add(BorderVote vote)
    {
        if (_count > 0)
        {
            var last = _votes[(_next + _votes.Length - 1) % _votes.Length];
            if (last.Width != vote.Width || last.Height != vote.Height)
                Clear();
        }
        _votes[_next] = vote;
        _next = (_next + 1) % _votes.Length;
        _count = Math.Min(_count + 1, _votes.Length);
        return BorderConsensus.Find(_votes.AsSpan(0, _count), vote.Width, vote.Height);
    }

    /// <summary>Forgets every vote.</summary>
    public void Clear()
    {
        _count = 0;
        _next = 0;
    }
}
