namespace Vigil.Review.Wellness;

/// <summary>What a reviewer-safe derivative was being made of.</summary>
public enum DerivativeMediaKind
{
    /// <summary>An image.</summary>
    Image,

    /// <summary>A video.</summary>
    Video,
}

/// <summary>
/// The bytes given for a reviewer-safe derivative are not media Vigil can decode (not an image or video,
/// unsupported, truncated, corrupt, too large). The message says why; <see cref="Exception.InnerException"/> is the
/// decoder's own exception. Any such input ends in this exception, never another.
/// </summary>
public sealed class UndecodableMediaException : Exception
{
    /// <summary>Creates an exception with no message.</summary>
    public UndecodableMediaException()
    {
    }

    /// <summary>Creates an exception with a human-readable reason.</summary>
    public UndecodableMediaException(string message) : base(message)
    {
    }

    /// <summary>Creates an exception with a human-readable reason and its cause.</summary>
    public UndecodableMediaException(string message, Exception? innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates an exception for media of <paramref name="kind"/> with a reason and its cause.</summary>
    public UndecodableMediaException(DerivativeMediaKind kind, string message, Exception? innerException = null) : base(message, innerException) =>
        Kind = kind;

    /// <summary>Whether an image or a video failed to decode.</summary>
    public DerivativeMediaKind Kind { get; }
}
