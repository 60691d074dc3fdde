namespace Vigil.Video.Guard;

/// <summary>What <see cref="FrameGuard"/> does on a hit.</summary>
public enum BlockMode
{
    /// <summary>Frames that may not leave are replaced by black frames of the same size.</summary>
    Blank,

    /// <summary>Frames that may not leave are replaced by the last frame that was released.</summary>
    Freeze,

    /// <summary>The guard stops: nothing more leaves.</summary>
    Stop,
}

/// <summary>How <see cref="FrameGuard"/> holds and checks frames (counted in frames: a caller converts from its stream's rate).</summary>
public sealed record GuardOptions
{
    /// <summary>Frames held before they may leave (the delay line; at 30 frames/s, 15 is 500 ms). At least <see cref="CheckEvery"/>.</summary>
    public int DelayFrames { get; init; } = 15;

    /// <summary>One frame in this many is checked (at 30 frames/s, 6 is 5 checks a second); every frame is covered by the next check.</summary>
    public int CheckEvery { get; init; } = 6;

    /// <summary>What leaves instead of frames while blocked.</summary>
    public BlockMode OnBlock { get; init; } = BlockMode.Blank;

    /// <summary>After a hit, frames stay blocked until this many frames in a row have passed their checks (at 30 frames/s, 300 is 10 s).</summary>
    public int ResumeAfterFrames { get; init; } = 300;

    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        if (CheckEvery < 1)
            throw new ArgumentOutOfRangeException(nameof(CheckEvery), CheckEvery, "check at least every frame: 1 or more");
        if (DelayFrames < CheckEvery)
            throw new ArgumentOutOfRangeException(nameof(DelayFrames), DelayFrames, $"the delay line must hold at least the {CheckEvery} frames between checks, or frames would leave unchecked");
        if (ResumeAfterFrames < 0)
            throw new ArgumentOutOfRangeException(nameof(ResumeAfterFrames), ResumeAfterFrames, "0 or more frames");
    }
}
