using Vigil.Media.Video;
using Vigil.Media.Video.Avi;
using Vigil.Video.Guard;

namespace Vigil.Cli.Guarding;

/// <summary>What <c>vigil guard</c> is set to do, in the units a person gives (the relay turns them into frames at the stream's rate).</summary>
internal sealed record GuardSettings(TimeSpan Delay, double ChecksPerSecond, BlockMode OnBlock, TimeSpan ResumeAfter, TimeSpan StallTimeout);

/// <summary>How a relay went.</summary>
internal sealed record GuardRunSummary(long Frames, int Hits, long BlockedFrames, bool Stopped, bool Stalled, bool Audio);

/// <summary>
/// One guarded relay: frames and sound decoded once from the input (<see cref="FfmpegAviSource"/>), frames through the
/// <see cref="FrameGuard"/>, sound through an <see cref="AudioDelayLine"/> beside them (silenced under blocked frames),
/// both on to ffmpeg writing the output (<see cref="FfmpegFrameWriter"/>); events when blocking starts and ends.
/// </summary>
internal sealed class GuardRelay(IFrameCheck check, GuardEvents events, GuardSettings settings)
{
    public async Task<GuardRunSummary> RunAsync(string input, string output, CancellationToken ct)
    {
        var readOptions = new VideoReadOptions { StallTimeout = settings.StallTimeout, LowLatency = input != "-" && !File.Exists(input) };
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
            long number = frames++;
            // One event when the output starts being blocked, one when it resumes (not one per failed check).
            bool wasBlocking = guard.Blocking;
            var leaving = guard.Push(c.Data.Span, format.Width, format.Height, hit =>
            {
                if (!wasBlocking)
                    events.Write(settings.OnBlock == BlockMode.Stop ? "stopped" : "blocked", hit, fps, (check as GuardChecks)?.LastHit);
            });
            if (wasBlocking && !guard.Blocking)
                events.Write("resumed", number, fps, hit: null);
            blocked += await WriteAsync(writer, leaving, audio, flush: false, ct);
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
