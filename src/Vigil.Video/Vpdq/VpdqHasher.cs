using System.Buffers;
using System.Threading.Channels;
using Vigil.Hashing.Pdq;
using Vigil.Hashing.Vpdq;
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
            workerTasks[i] = Task.Run(() => HashWorkerAsync(channel.Reader, results, options.Progress, duration, () => Interlocked.Increment(ref hashed), stop), CancellationToken.None);

        Exception? failure = null;
        try
        {
            await foreach (var frame in FfmpegVideo.ReadFramesAsync(input, readOptions, stop.Token).ConfigureAwait(false))
            {
                info ??= new VideoInfo(frame.Width, frame.Height, frame.FramesPerSecond, double.NaN);
                int length = frame.Rgb.Length;
                byte[] copy = ArrayPool<byte>.Shared.Rent(length);
                frame.Rgb.Span.CopyTo(copy);
                var pending = new PendingFrame(copy, frame.Width, frame.Height, frame.FrameNumber, frame.FramesPerSecond);
                try
                {
                    await channel.Writer.WriteAsync(pending, stop.Token).ConfigureAwait(false);
                }
                catch
                {
                    ArrayPool<byte>.Shared.Return(copy);
                    throw;
                }
            }
        }
        catch (Exception e)
        {
            failure = e;
            stop.Cancel();
        }
        finally
        {
            channel.Writer.TryComplete();
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
        return new VpdqResult(info, results);
    }

    private async Task HashWorkerAsync(ChannelReader<PendingFrame> reader, List<VpdqFrame> results, IProgress<VpdqProgress>? progress,
        double duration, Func<long> countHashed, CancellationTokenSource stop)
    {
        var pdq = new PdqHasher();
        try
        {
            while (await reader.WaitToReadAsync(stop.Token).ConfigureAwait(false))
            {
                while (reader.TryRead(out var pending))
                {
                    VpdqFrame hashed;
                    try
                    {
                        hashed = Hash(pdq, pending.Rgb.AsSpan(0, pending.Width * pending.Height * 3), pending.Width, pending.Height, pending.FrameNumber, pending.FramesPerSecond);
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(pending.Rgb);
                    }
                    lock (results)
                        results.Add(hashed);
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

    private readonly record struct PendingFrame(byte[] Rgb, int Width, int Height, long FrameNumber, double FramesPerSecond);
}
