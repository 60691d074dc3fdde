using System.Buffers;
using Vigil.Media.Encoders;
using Vigil.Media.Video;

namespace Vigil.Review.Wellness;

/// <summary>
/// Makes the reviewer-safe first view of a video: <see cref="VideoStripOptions.FrameCount"/> frames spread evenly
/// over it, each shrunk, blurred and (by default) greyscale, tiled side by side in time order in one PNG.
/// </summary>
/// <remarks>
/// The video is fed to ffmpeg through its standard input from memory (<see cref="FfmpegVideo.ReadFramesFromMemoryAsync"/>,
/// which puts an MP4 indexed at its end index first, as a pipe needs), so the clear bytes are never written to disk. Every frame is decoded, but only a few small tiles are kept
/// (at most four times the frame count, thinned as the video goes on), so memory does not grow with the video's
/// length; the length need not be known beforehand. Thread-safe: each call runs its own ffmpeg.
/// </remarks>
public static class BlurredStripMaker
{
    /// <summary>The blurred strip of the video <paramref name="video"/> (MP4, WebM, MPEG-TS, ...).</summary>
    /// <param name="video">The whole video file, in memory; not copied.</param>
    /// <param name="options">Frames, tile size and blur; <see cref="VideoStripOptions.Default"/> when null.</param>
    /// <param name="cancellationToken">Stops ffmpeg and the work.</param>
    /// <exception cref="UndecodableMediaException">ffmpeg cannot read the bytes as a video, or they hold no frames, or it stalled.</exception>
    /// <exception cref="VideoDecodeException">The ffmpeg program cannot be run (<see cref="VideoErrorKind.ProgramMissing"/>): an installation fault, not the media's.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (<see cref="VideoStripOptions.Validate"/>).</exception>
    public static async Task<BlurredVideoStrip> MakeAsync(ReadOnlyMemory<byte> video, VideoStripOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= VideoStripOptions.Default;
        options.Validate();
        if (video.IsEmpty)
            throw new UndecodableMediaException(DerivativeMediaKind.Video, "cannot make a blurred strip: the video is empty");
        var sampler = new FrameSampler(options.FrameCount * 4, options.Blur.MaxSide);
        try
        {
            var readOptions = new VideoReadOptions { StallTimeout = options.StallTimeout };
            try
            {
                await foreach (var frame in FfmpegVideo.ReadFramesFromMemoryAsync(video, readOptions, cancellationToken).ConfigureAwait(false))
                    sampler.Offer(frame);
            }
            catch (VideoDecodeException e) when (e.Kind != VideoErrorKind.ProgramMissing)
            {
                throw new UndecodableMediaException(DerivativeMediaKind.Video, $"cannot make a blurred strip: {e.Message}", e);
            }
            if (sampler.Count == 0)
                throw new UndecodableMediaException(DerivativeMediaKind.Video, "cannot make a blurred strip: the video has no frames");
            return Compose(sampler, options);
        }
        finally
        {
            sampler.Dispose();
        }
    }

    private static BlurredVideoStrip Compose(FrameSampler sampler, VideoStripOptions options)
    {
        var chosen = Choose(sampler.Count, options.FrameCount);
        int tw = sampler.TileWidth, th = sampler.TileHeight;
        bool grey = options.Blur.Greyscale;
        int channels = grey ? 1 : 3;
        int width = tw * chosen.Length;
        int stride = width * channels;
        int tileStride = tw * channels;
        var canvas = ArrayPool<byte>.Shared.Rent(stride * th);
        var tile = ArrayPool<byte>.Shared.Rent(tw * th * channels);
        try
        {
            var frameNumbers = new long[chosen.Length];
            for (int t = 0; t < chosen.Length; t++)
            {
                var rgb = sampler.Tile(chosen[t]);
                frameNumbers[t] = sampler.FrameNumber(chosen[t]);
                var pixels = tile.AsSpan(0, tw * th * channels);
                if (grey)
                    DerivativePixels.ToGrey(rgb, pixels);
                else
                    rgb.CopyTo(pixels);
                // Each tile is blurred alone, so no frame bleeds into its neighbours.
                DerivativePixels.BoxBlur(pixels, tw, th, channels, options.Blur.Radius);
                for (int y = 0; y < th; y++)
                    pixels.Slice(y * tileStride, tileStride).CopyTo(canvas.AsSpan(y * stride + t * tileStride, tileStride));
            }
            var image = canvas.AsSpan(0, stride * th);
            byte[] png = grey ? GrayPngEncoder.Encode(image, width, th) : RgbPngEncoder.Encode(image, width, th);
            return new BlurredVideoStrip(png, width, th, chosen.Length, tw, frameNumbers, grey);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(canvas, clearArray: true);
            ArrayPool<byte>.Shared.Return(tile, clearArray: true);
        }
    }

    /// <summary>Which of <paramref name="kept"/> evenly spaced frames to show, <paramref name="wanted"/> of them (all when fewer), first and last included.</summary>
    internal static int[] Choose(int kept, int wanted)
    {
        if (kept <= wanted)
            return [.. Enumerable.Range(0, kept)];
        if (wanted == 1)
            return [kept / 2];
        var chosen = new int[wanted];
        for (int j = 0; j < wanted; j++)
            chosen[j] = (int)Math.Round((double)j * (kept - 1) / (wanted - 1), MidpointRounding.AwayFromZero);
        return chosen;
    }

    /// <summary>
    /// Keeps every <c>step</c>-th frame as a small RGB tile, at most <c>capacity</c> of them: when full it drops every
    /// other tile and doubles the step, so the kept frames stay evenly spaced over all the frames seen so far.
    /// </summary>
    internal sealed class FrameSampler(int capacity, int tileMaxSide) : IDisposable
    {
        private readonly List<(long FrameNumber, byte[] Rgb)> _kept = new(capacity);
        private readonly Stack<byte[]> _free = new();
        private long _seen;
        private long _step = 1;

        public int TileWidth { get; private set; }

        public int TileHeight { get; private set; }

        public int Count => _kept.Count;

        public long FrameNumber(int index) => _kept[index].FrameNumber;

        public ReadOnlySpan<byte> Tile(int index) => _kept[index].Rgb.AsSpan(0, TileWidth * TileHeight * 3);

        public void Offer(VideoFrame frame)
        {
            long index = _seen++;
            if (index % _step != 0)
                return;
            if (_kept.Count == capacity)
            {
                // Keep positions 0, 2, 4, ...: frames 0, 2s, 4s, ... of step s.
                int write = 0;
                for (int read = 0; read < _kept.Count; read++)
                {
                    if (read % 2 == 0)
                        _kept[write++] = _kept[read];
                    else
                        _free.Push(_kept[read].Rgb);
                }
                _kept.RemoveRange(write, _kept.Count - write);
                _step *= 2;
                if (index % _step != 0)
                    return;
            }
            if (TileWidth == 0)
                (TileWidth, TileHeight) = DerivativePixels.FitWithin(frame.Width, frame.Height, tileMaxSide);
            var buffer = _free.Count > 0 ? _free.Pop() : ArrayPool<byte>.Shared.Rent(TileWidth * TileHeight * 3);
            // A frame of another size (a stream that changes resolution) is fitted to the first frame's tile.
            DerivativePixels.Resample(frame.Rgb.Span, frame.Width, frame.Height, buffer, TileWidth, TileHeight, channels: 3);
            _kept.Add((frame.FrameNumber, buffer));
        }

        public void Dispose()
        {
            foreach (var (_, rgb) in _kept)
                ArrayPool<byte>.Shared.Return(rgb, clearArray: true);
            while (_free.Count > 0)
                ArrayPool<byte>.Shared.Return(_free.Pop(), clearArray: true);
            _kept.Clear();
        }
    }
}
