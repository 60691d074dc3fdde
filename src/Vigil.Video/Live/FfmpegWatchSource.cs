using System.Diagnostics;
using System.Runtime.CompilerServices;
using Vigil.Hashing.Pdq;
using Vigil.Media.Video;

namespace Vigil.Video;

/// <summary>
/// <see cref="IWatchFrameSource"/> over the ffmpeg program (<see cref="FfmpegVideo.ReadFramesAsync"/>):
/// one ffmpeg per connection, sampled to about <see cref="FramesPerSecond"/> frames a second (every
/// <c>(int)(fps_in / F)</c>th decoded frame, as vPDQ samples), each frame hashed as it arrives by
/// <see cref="VpdqHasher.HashFrame"/> (PDQ at the frame's own resolution, as vPDQ
/// and the bank videos). Live inputs get ffmpeg's low-latency input flags. With border trimming, each frame also
/// votes on the stream's picture rectangle and is hashed cropped to the rectangle its recent frames agree on
/// (<see cref="BorderWindow"/>, <see cref="WatchFrame.Trimmed"/>), on the same decoded pixels.
/// </summary>
public sealed class FfmpegWatchSource : IWatchFrameSource
{
    private readonly VpdqHasher _hasher = new();
    private readonly PdqHasher _cropHasher = new();
    private byte[] _crop = [];

    /// <summary>A source reading <paramref name="input"/>.</summary>
    /// <param name="input">A file, <c>-</c> for standard input, or a URL ffmpeg reads.</param>
    /// <param name="framesPerSecond">Frames to sample a second (default 2).</param>
    /// <param name="stallTimeout">No frame for this long: the stream stalled (default 10 s).</param>
    /// <param name="isLive">Whether the input is live (reconnected when it ends); by default, any URL other than <c>file:</c>.</param>
    /// <param name="inputFramesPerSecond">The input's frame rate, for streams that do not say (null: from the input).</param>
    /// <param name="connectTimeout">
    /// How long the first frame after each (re)connect may take: connecting and probing a live stream
    /// is slower than the gap between frames (default 30 s, or the stall timeout if that is longer).
    /// </param>
    /// <param name="trimBorders">Also hash each frame with its borders trimmed (<see cref="WatchFrame.Trimmed"/>).</param>
    public FfmpegWatchSource(string input, double framesPerSecond = 2, TimeSpan? stallTimeout = null, bool? isLive = null, double? inputFramesPerSecond = null,
        TimeSpan? connectTimeout = null, bool trimBorders = false)
    {
        TrimBorders = trimBorders;
        if (inputFramesPerSecond is double f && !(f > 0 && double.IsFinite(f)))
            throw new ArgumentOutOfRangeException(nameof(inputFramesPerSecond), "the input's frame rate must be positive");
        InputFramesPerSecond = inputFramesPerSecond;
        ArgumentException.ThrowIfNullOrEmpty(input);
        if (!(framesPerSecond > 0 && double.IsFinite(framesPerSecond)))
            throw new ArgumentOutOfRangeException(nameof(framesPerSecond), "the sampling rate must be positive");
        Input = input;
        FramesPerSecond = framesPerSecond;
        StallTimeout = stallTimeout ?? TimeSpan.FromSeconds(10);
        ConnectTimeout = connectTimeout ?? (StallTimeout > DefaultConnectTimeout ? StallTimeout : DefaultConnectTimeout);
        if (ConnectTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(connectTimeout), "the connect timeout must be positive");
        IsLive = isLive ?? IsLiveInput(input);
    }

    /// <summary>The input.</summary>
    public string Input { get; }

    /// <summary>Frames sampled a second.</summary>
    public double FramesPerSecond { get; }

    /// <summary>The default of <see cref="ConnectTimeout"/>.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long without a frame counts as a stall.</summary>
    public TimeSpan StallTimeout { get; }

    /// <summary>How long the first frame after each (re)connect may take.</summary>
    public TimeSpan ConnectTimeout { get; }

    /// <summary>The input's frame rate when given (streams that do not say); null: ffmpeg's report of the input.</summary>
    public double? InputFramesPerSecond { get; }

    /// <inheritdoc />
    public bool IsLive { get; }

    /// <summary>Whether each frame is also hashed with its borders trimmed.</summary>
    public bool TrimBorders { get; }

    /// <summary>Whether <paramref name="input"/> names a live stream: a URL with a scheme other than <c>file</c> (<c>-</c>, standard input, ends at its end).</summary>
    /// <param name="input">The input as given.</param>
    public static bool IsLiveInput(string input)
    {
        int scheme = input.IndexOf("://", StringComparison.Ordinal);
        return scheme > 0 && !input.StartsWith("file:", StringComparison.OrdinalIgnoreCase);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<WatchFrame> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var options = new VideoReadOptions
        {
            SecondsPerFrame = 1 / FramesPerSecond,
            StallTimeout = StallTimeout,
            FirstFrameTimeout = ConnectTimeout,
            LowLatency = IsLive,
            FramesPerSecond = InputFramesPerSecond,
        };
        // Each connection's rectangle is agreed afresh: a reconnected stream may come back framed differently.
        var window = TrimBorders ? new BorderWindow() : null;
        await foreach (var frame in FfmpegVideo.ReadFramesAsync(Input, options, cancellationToken).WithCancellation(cancellationToken))
        {
            var received = DateTimeOffset.UtcNow;
            long started = Stopwatch.GetTimestamp();
            var hashed = _hasher.HashFrame(frame);
            var trimmed = window is null ? null : HashTrimmed(frame, window);
            var hashTime = Stopwatch.GetElapsedTime(started);
            double timestamp = double.IsNaN(frame.TimestampSeconds) ? frame.FrameNumber / FramesPerSecond : frame.TimestampSeconds;
            yield return new WatchFrame(frame.FrameNumber, timestamp, hashed.Quality, hashed.Hash, received, hashTime) { Trimmed = trimmed };
        }
    }

    /// <summary>The frame's vote goes into the window; the frame cropped to the window's rectangle is hashed (null when there is none).</summary>
    private PdqResult? HashTrimmed(VideoFrame frame, BorderWindow window)
    {
        var rgb = frame.Rgb.Span;
        if (window.Add(BorderVote.Of(rgb, frame.Width, frame.Height)) is not { } rectangle || !FrameCrop.Fits(rectangle, frame.Width, frame.Height))
            return null;
        int length = rectangle.Width * rectangle.Height * 3;
        if (_crop.Length < length)
            _crop = new byte[length];
        FrameCrop.Copy(rgb, frame.Width, rectangle, _crop);
        return _cropHasher.HashRgb(_crop.AsSpan(0, length), rectangle.Width, rectangle.Height);
    }
}
