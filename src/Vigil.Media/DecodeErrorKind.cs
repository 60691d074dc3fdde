namespace Vigil.Media;

/// <summary>Why an image could not be decoded.</summary>
public enum DecodeErrorKind
{
    /// <summary>The input has no bytes at all.</summary>
    Empty,

    /// <summary>The data ends before the image does (a partial download or copy).</summary>
    Truncated,

    /// <summary>The bytes are not any recognised image format (text, random data, ...).</summary>
    NotAnImage,

    /// <summary>A recognised image format that cannot be decoded on this machine (e.g. HEIC without a decoder).</summary>
    UnsupportedFormat,

    /// <summary>The image's dimensions exceed <see cref="DecodeOptions.MaxPixels"/>; refused before allocating.</summary>
    TooLarge,

    /// <summary>The data is damaged or invalid for its format.</summary>
    Corrupt,

    /// <summary>The file could not be read (missing, permissions, I/O error, ...).</summary>
    Io,
}
