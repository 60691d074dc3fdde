using System.Buffers.Binary;
using System.Text;

namespace Vigil.Media.Video.Avi;

/// <summary>
/// Reads an uncompressed AVI as ffmpeg streams it to a pipe (<c>-c:v rawvideo -pix_fmt bgr24 -c:a pcm_s16le -f avi</c>):
/// the header, then video frames and audio runs in the order they come. The sizes a streaming writer cannot know are
/// ignored; index (<c>idx1</c>, <c>ix##</c>), <c>JUNK</c> and other streams' chunks are skipped; further <c>RIFF AVIX</c>
/// segments are read through. Not thread-safe.
/// </summary>
public sealed class AviReader
{
    /// <summary>The largest header accepted (ffmpeg's is under 4 KB).</summary>
    private const int MaxHeaderBytes = 1 << 20;

    /// <summary>The largest audio chunk accepted.</summary>
    private const int MaxAudioChunkBytes = 16 << 20;

    /// <summary>The largest frame accepted: 8K UHD is 100 MB; anything over 512 MB is refused.</summary>
    private const long MaxFrameBytes = 512L << 20;

    private readonly Stream _input;
    private readonly byte[] _small = new byte[12];
    private byte[] _data = [];
    private AviFormat? _format;

    /// <summary>A reader of <paramref name="input"/>, which it reads from its current position and never closes.</summary>
    public AviReader(Stream input) => _input = input ?? throw new ArgumentNullException(nameof(input));

    /// <summary>Reads the header. Call once, first.</summary>
    /// <exception cref="InvalidDataException">The stream is not an AVI of packed BGR video (and PCM audio), or ends inside its header.</exception>
    public async ValueTask<AviFormat> ReadHeaderAsync(CancellationToken cancellationToken = default)
    {
        if (_format is not null)
            throw new InvalidOperationException("the header has been read");
        var header = new MemoryStream();
        if (!await ReadExactlyAsync(_small.AsMemory(0, 12), cancellationToken).ConfigureAwait(false))
            throw new InvalidDataException("the stream ended before an AVI header");
        if (!Is(_small, 0, "RIFF") || !Is(_small, 8, "AVI "))
            throw new InvalidDataException("not an AVI stream (no RIFF AVI header)");
        header.Write(_small, 0, 12);
        byte[]? hdrl = null;
        while (true)
        {
            if (!await ReadExactlyAsync(_small.AsMemory(0, 8), cancellationToken).ConfigureAwait(false))
                throw new InvalidDataException("the AVI stream ended inside its header");
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(_small.AsSpan(4));
            if (Is(_small, 0, "LIST"))
            {
                if (!await ReadExactlyAsync(_small.AsMemory(8, 4), cancellationToken).ConfigureAwait(false))
                    throw new InvalidDataException("the AVI stream ended inside its header");
                if (Is(_small, 8, "movi"))
                    break;
                if (size < 4 || size > MaxHeaderBytes || header.Length + size > MaxHeaderBytes)
                    throw new InvalidDataException($"an AVI header list of {size:N0} bytes is not supported");
                var body = new byte[size - 4 + (size & 1)];
                if (!await ReadExactlyAsync(body, cancellationToken).ConfigureAwait(false))
                    throw new InvalidDataException("the AVI stream ended inside its header");
                if (Is(_small, 8, "hdrl"))
                    hdrl = body;
                header.Write(_small, 0, 12);
                header.Write(body);
                continue;
            }
            if (size > MaxHeaderBytes || header.Length + size > MaxHeaderBytes)
                throw new InvalidDataException($"an AVI header chunk of {size:N0} bytes is not supported");
            var chunk = new byte[size + (size & 1)];
            if (!await ReadExactlyAsync(chunk, cancellationToken).ConfigureAwait(false))
                throw new InvalidDataException("the AVI stream ended inside its header");
            header.Write(_small, 0, 8);
            header.Write(chunk);
        }
        if (hdrl is null)
            throw new InvalidDataException("the AVI stream has no stream headers (hdrl)");
        _format = ParseStreams(hdrl, header.ToArray());
        return _format;
    }

    /// <summary>
    /// The next video frame or audio run, or null at the end of the stream. The data is the reader's buffer: valid until
    /// the next call.
    /// </summary>
    /// <exception cref="InvalidDataException">A chunk is malformed, or a frame has the wrong size.</exception>
    public async ValueTask<(AviChunkKind Kind, ReadOnlyMemory<byte> Data)?> ReadChunkAsync(CancellationToken cancellationToken = default)
    {
        var format = _format ?? throw new InvalidOperationException("read the header first");
        while (true)
        {
            if (!await ReadExactlyAsync(_small.AsMemory(0, 8), cancellationToken).ConfigureAwait(false))
                return null;
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(_small.AsSpan(4));
            if (Is(_small, 0, "LIST") || Is(_small, 0, "RIFF"))
            {
                // A list's children follow its type: rec lists, and the movi list of a further RIFF AVIX segment.
                if (!await ReadExactlyAsync(_small.AsMemory(8, 4), cancellationToken).ConfigureAwait(false))
                    return null;
                continue;
            }
            var kind = KindOf(format);
            long limit = kind == AviChunkKind.Video ? format.FrameBytes : kind == AviChunkKind.Audio ? MaxAudioChunkBytes : MaxFrameBytes;
            if (size > limit)
                throw new InvalidDataException($"an AVI chunk '{Encoding.ASCII.GetString(_small, 0, 4)}' of {size:N0} bytes is larger than allowed ({limit:N0})");
            int padded = (int)size + (int)(size & 1);
            if (_data.Length < padded)
                _data = new byte[Math.Max(padded, format.FrameBytes + 1)];
            if (!await ReadExactlyAsync(_data.AsMemory(0, padded), cancellationToken).ConfigureAwait(false))
                throw new InvalidDataException("the AVI stream ended inside a chunk");
            if (kind is null)
                continue;
            if (kind == AviChunkKind.Video && size != format.FrameBytes)
            {
                if (size == 0)
                    continue; // a dropped frame: ffmpeg writes an empty chunk in its place
                throw new InvalidDataException($"a video frame of {size:N0} bytes, expected {format.FrameBytes:N0} ({format.Width}x{format.Height} BGR)");
            }
            return (kind.Value, _data.AsMemory(0, (int)size));
        }
    }

    private AviChunkKind? KindOf(AviFormat format)
    {
        if (!char.IsAsciiDigit((char)_small[0]) || !char.IsAsciiDigit((char)_small[1]))
            return null;
        int stream = ((_small[0] - '0') * 10) + (_small[1] - '0');
        if (stream == format.VideoStream && (Is(_small, 2, "dc") || Is(_small, 2, "db")))
            return AviChunkKind.Video;
        if (format.Audio is { } audio && stream == audio.Stream && Is(_small, 2, "wb"))
            return AviChunkKind.Audio;
        return null;
    }

    /// <summary>The video stream and the first PCM audio stream among the hdrl list's strl lists.</summary>
    private static AviFormat ParseStreams(byte[] hdrl, byte[] header)
    {
        int stream = 0, videoStream = -1, width = 0, height = 0;
        double fps = 0;
        AviAudioFormat? audio = null;
        for (int at = 0; at + 8 <= hdrl.Length;)
        {
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(hdrl.AsSpan(at + 4));
            int next = at + 8 + (int)Math.Min(size + (size & 1), (uint)(hdrl.Length - at - 8));
            if (Is(hdrl, at, "LIST") && size >= 4 && Is(hdrl, at + 8, "strl"))
            {
                var strl = hdrl.AsSpan(at + 12, next - at - 12);
                if (Chunk(strl, "strh") is { Length: >= 28 } strh && Chunk(strl, "strf") is { } strf)
                {
                    uint scale = BinaryPrimitives.ReadUInt32LittleEndian(strh[20..]), rate = BinaryPrimitives.ReadUInt32LittleEndian(strh[24..]);
                    if (Is(strh, 0, "vids") && videoStream < 0)
                    {
                        if (strf.Length < 16)
                            throw new InvalidDataException("the AVI video stream has no bitmap header");
                        width = BinaryPrimitives.ReadInt32LittleEndian(strf[4..]);
                        height = Math.Abs(BinaryPrimitives.ReadInt32LittleEndian(strf[8..]));
                        int bits = BinaryPrimitives.ReadUInt16LittleEndian(strf[14..]);
                        uint compression = strf.Length >= 20 ? BinaryPrimitives.ReadUInt32LittleEndian(strf[16..]) : 0;
                        if (bits != 24 || compression != 0)
                            throw new InvalidDataException($"the AVI video is not packed 24-bit BGR ({bits} bits, compression {compression})");
                        if (width <= 0 || height <= 0 || (long)width * height * 3 > MaxFrameBytes)
                            throw new InvalidDataException($"unsupported frame size {width}x{height}");
                        videoStream = stream;
                        fps = scale > 0 ? (double)rate / scale : 0;
                    }
                    else if (Is(strh, 0, "auds") && audio is null && strf.Length >= 16)
                    {
                        int tag = BinaryPrimitives.ReadUInt16LittleEndian(strf), channels = BinaryPrimitives.ReadUInt16LittleEndian(strf[2..]);
                        int sampleRate = BinaryPrimitives.ReadInt32LittleEndian(strf[4..]), blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(strf[12..]);
                        if (tag == 1 && channels > 0 && sampleRate > 0 && blockAlign > 0)
                            audio = new AviAudioFormat(stream, sampleRate, channels, blockAlign);
                    }
                }
                stream++;
            }
            at = next;
        }
        if (videoStream < 0)
            throw new InvalidDataException("the AVI stream has no video");
        if (videoStream > 99 || audio?.Stream > 99)
            throw new InvalidDataException("more than 100 AVI streams");
        return new AviFormat(width, height, fps, videoStream, audio, header);
    }

    /// <summary>The body of the first chunk named <paramref name="id"/> in a list's children.</summary>
    private static ReadOnlySpan<byte> Chunk(ReadOnlySpan<byte> children, string id)
    {
        for (int at = 0; at + 8 <= children.Length;)
        {
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(children[(at + 4)..]);
            int length = (int)Math.Min(size, (uint)(children.Length - at - 8));
            if (Is(children, at, id))
                return children.Slice(at + 8, length);
            at += 8 + length + (length & 1);
        }
        return [];
    }

    private static bool Is(ReadOnlySpan<byte> data, int at, string id)
    {
        if (at + id.Length > data.Length)
            return false;
        for (int i = 0; i < id.Length; i++)
        {
            if (data[at + i] != id[i])
                return false;
        }
        return true;
    }

    private async ValueTask<bool> ReadExactlyAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        int total = 0;
        while (total < destination.Length)
        {
            int read = await _input.ReadAsync(destination[total..], cancellationToken).ConfigureAwait(false);
            if (read <= 0)
            {
                if (total == 0)
                    return false;
                throw new InvalidDataException("the AVI stream ended inside a chunk");
            }
            total += read;
        }
        return true;
    }
}
