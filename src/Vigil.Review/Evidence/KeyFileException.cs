namespace Vigil.Review.Evidence;

/// <summary>
/// A master key file cannot be created or used: missing, not a key file, the wrong length, readable by others,
/// or already there when a new one is asked for. The message names the file and what to do.
/// </summary>
public sealed class KeyFileException : Exception
{
    /// <summary>Creates an exception with no message.</summary>
    public KeyFileException()
    {
    }

    /// <summary>Creates an exception with a human-readable reason.</summary>
    public KeyFileException(string message) : base(message)
    {
    }

    /// <summary>Creates an exception with a human-readable reason and its cause.</summary>
    public KeyFileException(string message, Exception? innerException) : base(message, innerException)
    {
    }
}
