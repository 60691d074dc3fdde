using Vigil.Hashing.Signals;
using Vigil.Hashing.Vpdq;
using Vigil.Media.Video;

namespace Vigil.Video;

/// <summary>Which frames <see cref="VpdqHasher.HashFileAsync"/> hashes and how.</summary>
public sealed record VpdqOptions
{
    /// <summary>Hash every frame (as the reference's sample hashes are made); overrides <see cref="SecondsPerHash"/>.</summary>
    public bool EveryFrame { get; init; }

    /// <summary>
    /// One frame every this many seconds (default 1, the exchanges' setting): frames whose number is a
    /// multiple of <c>max(1, (int)(SecondsPerHash * fps))</c>, as the reference picks them.
    /// </summary>
    public double SecondsPerHash { get; init; } = 1;

    /// <summary>Frames hashed at once (one PDQ hasher per thread); default all cores.</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>How the video is read (stall timeout, live options, extra ffmpeg input options); frame sampling is set from this record.</summary>
    public VideoReadOptions ReadOptions { get; init; } = new();

    /// <summary>
    /// Also hash every frame with its borders trimmed (<see cref="VpdqResult.Trimmed"/>): each frame is cropped, on its
    /// decoded pixels, to the rectangle agreed on by the frames around it (<see cref="VpdqHasher.BorderWindowRadius"/>
    /// sampled frames before and after it: the whole video when it is short). Default false.
    /// </summary>
    public bool TrimBorders { get; init; }

    /// <summary>
    /// Given each sampled frame as it is decoded, before it is hashed, on the reading loop (its pixels are valid only during the
    /// call; copy what is kept): e.g. a classifier scoring the frames the hash sees, so the video is decoded once for both. Null: none.
    /// </summary>
    public Func<VideoFrame, CancellationToken, ValueTask>? OnFrame { get; init; }

    /// <summary>Told after each hashed frame (from a worker thread), for progress on long videos.</summary>
    public IProgress<VpdqProgress>? Progress { get; init; }
}

/// <summary>Progress of one video's hashing.</summary>
/// <param name="FramesHashed">Frames hashed so far.</param>
/// <param name="StreamSeconds">The time in the video of the latest frame read.</param>
/// <param name="DurationSeconds">The video's length (NaN when not known).</param>
public readonly record struct VpdqProgress(long FramesHashed, double StreamSeconds, double DurationSeconds);

/// <summary>A video's vPDQ hash: what is known about the video and its hashed frames in frame order.</summary>
/// <param name="Info">Size, frame rate and duration (duration NaN for live inputs).</param>
/// <param name="Frames">One entry per hashed frame, ordered by frame number.</param>
public sealed record VpdqResult(VideoInfo Info, IReadOnlyList<VpdqFrame> Frames)
{
    /// <summary>The frames hashed with their borders trimmed, when <see cref="VpdqOptions.TrimBorders"/> asked for them; null otherwise.</summary>
    public TrimmedVpdq? Trimmed { get; init; }

    /// <summary>
    /// What a bank keeps about the video beside its signals (the content's metadata): the file's
    /// name when known, size, frame rate and duration (null when not known), frames hashed, and
    /// how many of them can be matched (<see cref="VpdqSignal.MatchableHashes(IReadOnlyList{VpdqFrame}, int)"/>).
    /// </summary>
    public Dictionary<string, object?> Describe(string? fileName)
    {
        var described = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (fileName is not null)
            described["file_name"] = fileName;
        described["width"] = Info.Width;
        described["height"] = Info.Height;
        described["fps"] = double.IsFinite(Info.FramesPerSecond) ? Math.Round(Info.FramesPerSecond, 3) : null;
        described["duration_seconds"] = double.IsFinite(Info.DurationSeconds) ? Math.Round(Info.DurationSeconds, 3) : null;
        described["vpdq_frames"] = Frames.Count;
        described["vpdq_usable_frames"] = VpdqSignal.MatchableHashes(Frames).Length;
        return described;
    }
}
