using System.Buffers;
using System.Threading.Channels;
using Vigil.Hashing.Pdq;
using Vigil.Hashing.Vpdq;
using Vigil.Media.Processing;
using Vigil.Media.Video;

namespace Vigil.Video;

/// <summary>
/// vPDQ as the reference computes it: the PDQ hash (plain, not dihedral) of each sampled frame at the frame's
/// own resolution, with the frame's number and its time (frame number / fps, in single precision as the
/// reference does). Thread-safe: each thread gets its own PDQ hasher and scratch buffers.
/// </summary>
public sealed class VpdqHasher
{
    [ThreadStatic]
    private static PdqHasher? t_pdq;

    /// <summary>
    /// With <see cref="VpdqOptions.TrimBorders"/>, a frame is cropped to the rectangle agreed on by itself and this
    /// many sampled frames before and after it (17 frames, 17 s at one frame a second); this many decoded frames wait
    /// in memory for their later neighbours' votes.
    /// </summary>
    public const int BorderWindowRadius = 8;

    /// <summary>Hashes one frame (the watcher's path). The frame's pixels are read before this returns.</summary>
    public VpdqFrame HashFrame(VideoFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return Hash(t_pdq ??= new PdqHasher(), frame.Rgb.Span, frame.Width, frame.Height, frame.FrameNumber, frame.FramesPerSecond);
    }

    private static VpdqFrame Hash(PdqHasher pdq, ReadOnlySpan<byte> rgb, int width, int height, long frameNumber, double framesPerSecond)
    {
        var result = pdq.HashRgb(rgb, width, height);
        return new VpdqFrame(FrameNumber(frameNumber), result.Quality, result.Hash, Timestamp(frameNumber, framesPerSecond));
    }

    /// <summary>The reference's timestamp: <c>(float)frameNumber / (float)fps</c>.</summary>
    public static double Timestamp(long frameNumber, double framesPerSecond) =>
        framesPerSecond > 0 ? (double)((float)frameNumber / (float)framesPerSecond) : double.NaN;

    /// <summary>
    /// Decodes <paramref name="input"/> (a file, <c>-</c> or a URL; see <see cref="FfmpegVideo.ReadFramesAsync"/>)
    /// and hashes its sampled frames, several at once. Throws <see cref="VideoDecodeException"/> for input that
    /// cannot be read and <see cref="OperationCanceledException"/> when cancelled (ffmpeg is stopped either way).
    /// </summary>
    public async Task<VpdqResult> HashFileAsync(string input, VpdqOptions options, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(input);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.ReadOptions);
        if (!options.EveryFrame && !(options.SecondsPerHash > 0 && double.IsFinite(options.SecondsPerHash)))
            throw new ArgumentOutOfRangeException(nameof(options), "SecondsPerHash must be a positive number of seconds");
        int workers = Math.Max(1, options.MaxDegreeOfParallelism);

        VideoInfo? info = null;
        var readOptions = options.ReadOptions with { SecondsPerFrame = options.EveryFrame ? null : options.SecondsPerHash };
        if (FfmpegVideo.IsFileInput(input, readOptions.InputArguments))
        {
            info = await FfmpegVideo.ProbeAsync(input, cancellationToken).ConfigureAwait(false);
            if (readOptions.FramesPerSecond is null)
                readOptions = readOptions with { FramesPerSecond = info.FramesPerSecond };
            else
                info = info with { FramesPerSecond = readOptions.FramesPerSecond.Value };
        }

        var results = new List<VpdqFrame>();
        var trimmed = options.TrimBorders ? new List<VpdqFrame>() : null;
        var borders = options.TrimBorders ? new FrameBorders() : null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var channel = Channel.CreateBounded<PendingFrame>(new BoundedChannelOptions(workers * 2)
        {
            SingleWriter = true,
            SingleReader = workers == 1,
            FullMode = BoundedChannelFullMode.Wait,
        });
        double duration = info?.DurationSeconds ?? double.NaN;
        long hashed = 0;
        var workerTasks = new Task[workers];
        for (int i = 0; i < workers; i++)
            workerTasks[i] = Task.Run(() => HashWorkerAsync(channel.Reader, results, trimmed, options.Progress, duration, () => Interlocked.Increment(ref hashed), stop), CancellationToken.None);

        Exception? failure = null;
        try
        {
            await foreach (var frame in FfmpegVideo.ReadFramesAsync(input, readOptions, stop.Token).ConfigureAwait(false))
            {
                info ??= new VideoInfo(frame.Width, frame.Height, frame.FramesPerSecond, double.NaN);
                if (options.OnFrame is { } onFrame)
                    await onFrame(frame, stop.Token).ConfigureAwait(false);
                int length = frame.Rgb.Length;
                byte[] copy = ArrayPool<byte>.Shared.Rent(length);
                frame.Rgb.Span.CopyTo(copy);
                var pending = new PendingFrame(copy, frame.Width, frame.Height, frame.FrameNumber, frame.FramesPerSecond, null);
                if (borders is null)
                {
                    await SendAsync(channel.Writer, pending, stop.Token).ConfigureAwait(false);
                    continue;
                }
                // The frame waits for its later neighbours' votes; the oldest waiting frame has them all now.
                borders.Add(pending);
                if (borders.Waiting > BorderWindowRadius)
                    await SendAsync(channel.Writer, borders.Next(), stop.Token).ConfigureAwait(false);
            }
            while (borders is { Waiting: > 0 })
                await SendAsync(channel.Writer, borders.Next(), stop.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            failure = e;
            stop.Cancel();
        }
        finally
        {
            channel.Writer.TryComplete();
            borders?.ReturnWaiting();
        }

        try
        {
            await Task.WhenAll(workerTasks).ConfigureAwait(false);
        }
        catch (Exception e) when (failure is null)
        {
            failure = e;
        }
        catch (OperationCanceledException)
        {
            // the reader's failure is the one to report
        }
        if (failure is not null)
        {
            // A worker's own failure (stop was cancelled because of it) beats the cancellation it caused.
            if (failure is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                foreach (var task in workerTasks)
                    if (task.IsFaulted && task.Exception!.InnerException is { } inner and not OperationCanceledException)
                        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(inner);
            }
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
        if (info is null)
            throw new VideoDecodeException($"{input}: no frames");
        results.Sort(static (a, b) => a.FrameNumber.CompareTo(b.FrameNumber));
        if (trimmed is null)
            return new VpdqResult(info, results);
        trimmed.Sort(static (a, b) => a.FrameNumber.CompareTo(b.FrameNumber));
        return new VpdqResult(info, results) { Trimmed = new TrimmedVpdq(trimmed, borders!.MostCommonRectangle, borders.CroppedFrames) };
    }

    /// <summary>Hands a frame to the workers; its buffer goes back to the pool if it cannot be.</summary>
    private static async ValueTask SendAsync(ChannelWriter<PendingFrame> writer, PendingFrame pending, CancellationToken cancellationToken)
    {
        try
        {
            await writer.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(pending.Rgb);
            throw;
        }
    }

    private async Task HashWorkerAsync(ChannelReader<PendingFrame> reader, List<VpdqFrame> results, List<VpdqFrame>? trimmed, IProgress<VpdqProgress>? progress,
        double duration, Func<long> countHashed, CancellationTokenSource stop)
    {
        var pdq = new PdqHasher();
        byte[] crop = [];
        try
        {
            while (await reader.WaitToReadAsync(stop.Token).ConfigureAwait(false))
            {
                while (reader.TryRead(out var pending))
                {
                    VpdqFrame hashed, cropped;
                    try
                    {
                        var rgb = pending.Rgb.AsSpan(0, pending.Width * pending.Height * 3);
                        hashed = Hash(pdq, rgb, pending.Width, pending.Height, pending.FrameNumber, pending.FramesPerSecond);
                        cropped = hashed;
                        if (pending.Crop is { } rectangle)
                        {
                            int length = rectangle.Width * rectangle.Height * 3;
                            if (crop.Length < length)
                                crop = new byte[length];
                            FrameCrop.Copy(rgb, pending.Width, rectangle, crop);
                            cropped = Hash(pdq, crop.AsSpan(0, length), rectangle.Width, rectangle.Height, pending.FrameNumber, pending.FramesPerSecond);
                        }
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(pending.Rgb);
                    }
                    lock (results)
                    {
                        results.Add(hashed);
                        trimmed?.Add(cropped);
                    }
                    long count = countHashed();
                    progress?.Report(new VpdqProgress(count, hashed.TimestampSeconds, duration));
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            stop.Cancel();
            throw;
        }
        finally
        {
            // Give back the buffers of frames nobody will hash.
            while (reader.TryRead(out var left))
                ArrayPool<byte>.Shared.Return(left.Rgb);
        }
    }

    private static int FrameNumber(long frameNumber) =>
        frameNumber <= int.MaxValue ? (int)frameNumber : throw new VideoDecodeException($"frame number {frameNumber} is too large for vPDQ");

    /// <summary>A decoded frame's pooled copy on its way to a worker, with the rectangle to crop it to for its trimmed hash (or null).</summary>
    private readonly record struct PendingFrame(byte[] Rgb, int Width, int Height, long FrameNumber, double FramesPerSecond, PixelRect? Crop);

    /// <summary>
    /// The reader's side of <see cref="VpdqOptions.TrimBorders"/>: every frame's vote, and the frames waiting for
    /// the votes of the <see cref="BorderWindowRadius"/> frames after them. Not thread-safe (the reader's own).
    /// </summary>
    private sealed class FrameBorders
    {
        private readonly List<BorderVote> _votes = [];
        private readonly Queue<PendingFrame> _waiting = new();
        private readonly Dictionary<PixelRect, int> _rectangles = [];
        private int _sent;

        public int Waiting => _waiting.Count;

        public int CroppedFrames { get; private set; }

        /// <summary>The rectangle the most frames were cropped to (the first of equals), or null.</summary>
        public PixelRect? MostCommonRectangle
        {
            get
            {
                PixelRect? best = null;
                int most = 0;
                foreach (var (rectangle, count) in _rectangles)
                {
                    if (count > most)
                        (best, most) = (rectangle, count);
                }
                return best;
            }
        }

        /// <summary>Votes on a frame's borders and queues it.</summary>
        public void Add(PendingFrame frame)
        {
            _votes.Add(BorderVote.Of(frame.Rgb.AsSpan(0, frame.Width * frame.Height * 3), frame.Width, frame.Height));
            _waiting.Enqueue(frame);
        }

        /// <summary>The oldest waiting frame, with the rectangle its window agrees on.</summary>
        public PendingFrame Next()
        {
            var frame = _waiting.Dequeue();
            int index = _sent++;
            int first = Math.Max(0, index - BorderWindowRadius), end = Math.Min(_votes.Count, index + BorderWindowRadius + 1);
            var rectangle = BorderConsensus.Find(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_votes)[first..end], frame.Width, frame.Height);
            if (rectangle is not { } found || !FrameCrop.Fits(found, frame.Width, frame.Height))
                return frame;
            CroppedFrames++;
            _rectangles[found] = _rectangles.GetValueOrDefault(found) + 1;
            return frame with { Crop = found };
        }

        /// <summary>Gives the buffers of frames that will not be sent back to the pool (after a failure).</summary>
        public void ReturnWaiting()
        {
            while (_waiting.TryDequeue(out var frame))
                ArrayPool<byte>.Shared.Return(frame.Rgb);
        }
    }
}
