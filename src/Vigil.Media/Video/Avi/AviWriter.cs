using System.Buffers.Binary;

namespace Vigil.Media.Video.Avi;

/// <summary>
/// Writes an uncompressed AVI to a pipe, as <see cref="AviReader"/> reads it: the header of the streams it relays (as it
/// was read), then video frames and audio runs in the order given. Sizes are left open (a pipe cannot be rewritten);
/// ffmpeg reads such a stream to its end. Not thread-safe.
/// </summary>
public sealed class AviWriter
{
    private readonly Stream _output;
    private readonly AviFormat _format;
    private readonly byte[] _videoId;
    private readonly byte[]? _audioId;
    private readonly byte[] _chunkHeader = new byte[8];
    private bool _started;

    /// <summary>A writer of <paramref name="format"/>'s streams to <paramref name="output"/> (never closed by it).</summary>
    public AviWriter(Stream output, AviFormat format)
    {
        _output = output ?? throw new ArgumentNullException(nameof(output));
        _format = format ?? throw new ArgumentNullException(nameof(format));
        _videoId = System.Text.Encoding.ASCII.GetBytes($"{format.VideoStream:00}dc");
        _audioId = format.Audio is { } audio ? System.Text.Encoding.ASCII.GetBytes($"{audio.Stream:00}wb") : null;
    }

    /// <summary>Writes one frame: exactly <see cref="AviFormat.FrameBytes"/> of packed BGR.</summary>
    public ValueTask WriteVideoAsync(ReadOnlyMemory<byte> bgr, CancellationToken cancellationToken = default)
    {
        if (bgr.Length != _format.FrameBytes)
            throw new ArgumentException($"a frame is {_format.FrameBytes} bytes, not {bgr.Length}", nameof(bgr));
        return WriteChunkAsync(_videoId, bgr, cancellationToken);
    }

    /// <summary>Writes a run of PCM samples (whole sample frames of the audio stream's block size).</summary>
    public ValueTask WriteAudioAsync(ReadOnlyMemory<byte> pcm, CancellationToken cancellationToken = default)
    {
        var audio = _format.Audio ?? throw new InvalidOperationException("the stream has no audio");
        if (pcm.Length % audio.BlockAlign != 0)
            throw new ArgumentException($"audio comes in whole sample frames of {audio.BlockAlign} bytes, not {pcm.Length}", nameof(pcm));
        return pcm.IsEmpty ? ValueTask.CompletedTask : WriteChunkAsync(_audioId!, pcm, cancellationToken);
    }

    /// <summary>Writes the header, if it has not been: the reader learns the streams before the first frame comes.</summary>
    public async ValueTask StartAsync(CancellationToken cancellationToken = default)
    {
        if (_started)
            return;
        _started = true;
        await _output.WriteAsync(_format.Header, cancellationToken).ConfigureAwait(false);
        await _output.WriteAsync(MoviListHeader, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask WriteChunkAsync(byte[] id, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await StartAsync(cancellationToken).ConfigureAwait(false);
        id.CopyTo(_chunkHeader, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(_chunkHeader.AsSpan(4), (uint)data.Length);
        await _output.WriteAsync(_chunkHeader, cancellationToken).ConfigureAwait(false);
        await _output.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        if ((data.Length & 1) != 0)
            await _output.WriteAsync(Pad, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A movi list of unknown size.</summary>
    private static readonly byte[] MoviListHeader = [(byte)'L', (byte)'I', (byte)'S', (byte)'T', 0xff, 0xff, 0xff, 0xff, (byte)'m', (byte)'o', (byte)'v', (byte)'i'];

    private static readonly byte[] Pad = [0];
}
