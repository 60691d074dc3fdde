using Vigil.Media.Video;
using Vigil.Media.Video.Avi;
using Vigil.Video.Guard;

namespace Vigil.Cli.Guarding;

/// <summary>What <c>vigil guard</c> is set to do, in the units a person gives (the relay turns them into frames at the stream's rate).</summary>
/// <param name="Delay">The delay line's length.</param>
/// <param name="ChecksPerSecond">Sampled checks a second.</param>
/// <param name="OnBlock">What leaves on a hit.</param>
/// <param name="ResumeAfter">How long checks must pass before frames leave again.</param>
/// <param name="StallTimeout">A live input that sends nothing this long has ended.</param>
/// <param name="InputArguments">ffmpeg options for the input (e.g. <c>-re</c> to read a file at its own rate).</param>
internal sealed record GuardSettings(TimeSpan Delay, double ChecksPerSecond, BlockMode OnBlock, TimeSpan ResumeAfter, TimeSpan StallTimeout, IReadOnlyList<string>? InputArguments = null);

/// <summary>How a relay went.</summary>
/// <param name="Frames">Frames read.</param>
/// <param name="Hits">Checks that failed.</param>
/// <param name="BlockedFrames">Frames that left as stand-ins.</param>
/// <param name="Stopped">A hit stopped the output.</param>
/// <param name="Stalled">The input ended by sending nothing for the stall timeout.</param>
/// <param name="Audio">The input had sound, passed on with the frames.</param>
internal sealed record GuardRunSummary(long Frames, int Hits, long BlockedFrames, bool Stopped, bool Stalled, bool Audio);

/// <summary>
/// One guarded relay: frames and sound decoded once from the input (<see cref="FfmpegAviSource"/>), frames through the
/// <see cref="FrameGuard"/>, sound through an <see cref="AudioDelayLine"/> beside them (silenced under blocked frames),
/// both on to ffmpeg writing the output (<see cref="FfmpegFrameWriter"/>); events when blocking starts and ends.
/// </summary>
/// <param name="check">What decides a hit (and says why it was one).</param>
/// <param name="events">Where block and resume events go.</param>
/// <param name="settings">The delay, check rate and block behaviour.</param>
/// <param name="onStep">Told, for each frame, the milliseconds from its arrival to the end of writing what it let leave: the relay's own latency beyond the delay line (for benchmarks).</param>
internal sealed class GuardRelay(GuardChecks check, GuardEvents events, GuardSettings settings, Action<double>? onStep = null)
{
    public async Task<GuardRunSummary> RunAsync(string input, string output, CancellationToken ct)
    {
        var readOptions = new VideoReadOptions
        {
            StallTimeout = settings.StallTimeout,
            LowLatency = input != "-" && !File.Exists(input),
            InputArguments = settings.InputArguments ?? [],
        };
        await using var source = await FfmpegAviSource.StartAsync(input, readOptions, ct);
        var format = source.Format;
        double fps = format.FramesPerSecond > 0 ? format.FramesPerSecond : 30;
        int checkEvery = Math.Max(1, (int)Math.Round(fps / settings.ChecksPerSecond));
        var guard = new FrameGuard(new BgrFrameCheck(check), new GuardOptions
        {
            CheckEvery = checkEvery,
            DelayFrames = Math.Max(checkEvery, (int)Math.Round(settings.Delay.TotalSeconds * fps)),
            OnBlock = settings.OnBlock,
            ResumeAfterFrames = (int)Math.Round(settings.ResumeAfter.TotalSeconds * fps),
        });
        var audio = format.Audio is { } a ? new AudioDelayLine(a.SampleRate, a.BlockAlign, fps) : null;
        await using var writer = FfmpegFrameWriter.Start(output, format);
        await writer.StartAsync(ct);

        long frames = 0, blocked = 0;
        bool stalled = false;
        while (true)
        {
            (AviChunkKind Kind, ReadOnlyMemory<byte> Data)? chunk;
            try
            {
                chunk = await source.ReadAsync(ct);
            }
            catch (VideoStreamStalledException) when (frames > 0)
            {
                stalled = true;
                break;
            }
            if (chunk is not { } c)
                break;
            if (c.Kind == AviChunkKind.Audio)
            {
                audio?.Push(c.Data.Span);
                continue;
            }
            long number = frames++, arrived = System.Diagnostics.Stopwatch.GetTimestamp();
            // One event when the output starts being blocked, one when it resumes (not one per failed check).
            bool wasBlocking = guard.Blocking;
            var leaving = guard.Push(c.Data.Span, format.Width, format.Height, hit =>
            {
                if (!wasBlocking)
                    events.Write(settings.OnBlock == BlockMode.Stop ? "stopped" : "blocked", hit, fps, check.LastHit);
            });
            if (wasBlocking && !guard.Blocking)
                events.Write("resumed", number, fps, hit: null);
            blocked += await WriteAsync(writer, leaving, audio, flush: false, ct);
            onStep?.Invoke(System.Diagnostics.Stopwatch.GetElapsedTime(arrived).TotalMilliseconds);
            if (guard.Stopped)
                break;
        }
        if (!guard.Stopped)
            blocked += await WriteAsync(writer, guard.Flush(format.Width, format.Height), audio, flush: true, ct);
        await writer.CompleteAsync(ct);
        return new GuardRunSummary(frames, guard.Hits, blocked, guard.Stopped, stalled, audio is not null);
    }

    /// <summary>Writes the frames that left and the sound under them; the number of them that were blocked.</summary>
    private static async Task<int> WriteAsync(FfmpegFrameWriter writer, IReadOnlyList<GuardedFrame> frames, AudioDelayLine? audio, bool flush, CancellationToken ct)
    {
        int blocked = 0;
        foreach (var f in frames)
        {
            await writer.WriteAsync(f.Rgb, ct);
            blocked += f.Blocked ? 1 : 0;
            audio?.FrameLeft(f.Number, f.Blocked);
        }
        if (audio is not null)
            await writer.WriteAudioAsync(flush ? audio.Flush() : audio.Take(), ct);
        return blocked;
    }
}
