namespace Vigil.Media;

/// <summary>
/// The only exception <see cref="ImageDecoder"/> throws for a bad or unreadable image. <see cref="Exception.Message"/>
/// is a specific human-readable reason (e.g. "file is empty", "truncated JPEG data (premature end of file)").
/// </summary>
public sealed class ImageDecodeException : Exception
{
    /// <summary>Creates an exception of the given kind with a human-readable reason.</summary>
    /// <param name="kind">The category of failure.</param>
    /// <param name="message">The specific reason, suitable for showing to a user.</param>
    /// <param name="innerException">The underlying exception, if any.</param>
    public ImageDecodeException(DecodeErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
    }

    /// <summary>The category of failure.</summary>
    public DecodeErrorKind Kind { get; }
}
