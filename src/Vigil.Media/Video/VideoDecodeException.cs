namespace Vigil.Media.Video;

/// <summary>What kind of failure a <see cref="VideoDecodeException"/> is, for callers that answer differently (a service's status code).</summary>
public enum VideoErrorKind
{
    /// <summary>Any other failure: truncated or damaged input, ffmpeg failing, no frames.</summary>
    Other,

    /// <summary>The input is not something ffmpeg reads as a video, or it has no video stream.</summary>
    NotAVideo,

    /// <summary>The ffmpeg or ffprobe program could not be run.</summary>
    ProgramMissing,
}

/// <summary>
/// A video could not be read: not a video, no video stream, truncated, ffmpeg missing or failing. The message
/// names the input and a specific reason (ffmpeg's own error line where it gave one); <see cref="Kind"/> sorts it.
/// </summary>
public class VideoDecodeException : Exception
{
    /// <summary>Creates an exception with no message.</summary>
    public VideoDecodeException()
    {
    }

    /// <summary>Creates an exception with a human-readable reason.</summary>
    public VideoDecodeException(string message) : base(message)
    {
    }

    /// <summary>Creates an exception with a human-readable reason and its cause.</summary>
    public VideoDecodeException(string message, Exception? innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates an exception of a known kind with a human-readable reason (and its cause).</summary>
    public VideoDecodeException(string message, VideoErrorKind kind, Exception? innerException = null) : base(message, innerException) => Kind = kind;

    /// <summary>What kind of failure this is.</summary>
    public VideoErrorKind Kind { get; }
}

/// <summary>No frame arrived within <see cref="VideoReadOptions.StallTimeout"/>; ffmpeg has been stopped.</summary>
public sealed class VideoStreamStalledException : VideoDecodeException
{
    /// <summary>Creates an exception with no message.</summary>
    public VideoStreamStalledException()
    {
    }

    /// <summary>Creates an exception with a human-readable reason.</summary>
    public VideoStreamStalledException(string message) : base(message)
    {
    }

    /// <summary>Creates an exception with a human-readable reason and its cause.</summary>
    public VideoStreamStalledException(string message, Exception? innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates an exception for a stream that sent no frame for <paramref name="timeout"/>.</summary>
    public VideoStreamStalledException(string input, TimeSpan timeout, long framesRead)
        : base($"{input}: no frame for {timeout.TotalSeconds:0.###} s (after {framesRead} frames); the stream stalled")
    {
        Timeout = timeout;
        FramesRead = framesRead;
    }

    /// <summary>The stall timeout that passed.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Frames read before the stall.</summary>
    public long FramesRead { get; }
}
