namespace Vigil.Media.Video.Avi;

/// <summary>
/// What an uncompressed AVI stream carries, read from its header: one video stream of packed 24-bit BGR frames and at
/// most one audio stream of PCM. <see cref="Header"/> is the header as it came (everything before the <c>movi</c>
/// list), so that a relay can describe the same streams when it writes them on (<see cref="AviWriter"/>).
/// </summary>
/// <param name="Width">Frame width in pixels.</param>
/// <param name="Height">Frame height in pixels.</param>
/// <param name="FramesPerSecond">The video stream's rate (its <c>dwRate / dwScale</c>).</param>
/// <param name="VideoStream">The video stream's number (the <c>NN</c> of its <c>NNdc</c> chunks).</param>
/// <param name="Audio">The audio stream, or null when there is none.</param>
/// <param name="Header">The header's bytes, from <c>RIFF</c> up to the <c>movi</c> list.</param>
public sealed record AviFormat(int Width, int Height, double FramesPerSecond, int VideoStream, AviAudioFormat? Audio, ReadOnlyMemory<byte> Header)
{
    /// <summary>Bytes in one frame: width x height x 3.</summary>
    public int FrameBytes => Width * Height * 3;
}

/// <summary>An AVI audio stream of PCM.</summary>
/// <param name="Stream">The stream's number (the <c>NN</c> of its <c>NNwb</c> chunks).</param>
/// <param name="SampleRate">Samples a second per channel.</param>
/// <param name="Channels">Channels.</param>
/// <param name="BlockAlign">Bytes per sample frame (all channels): audio is cut only at multiples of it.</param>
public sealed record AviAudioFormat(int Stream, int SampleRate, int Channels, int BlockAlign);

/// <summary>Which stream an AVI chunk belongs to.</summary>
public enum AviChunkKind
{
    /// <summary>One video frame.</summary>
    Video,

    /// <summary>A run of PCM samples.</summary>
    Audio,
}
