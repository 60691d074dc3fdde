using Vigil.Storage;
using Vigil.Hashing.Signals;
using System.CommandLine;
using System.Globalization;
using Vigil.Banks;
using Vigil.Matching;
using Vigil.Media.Video;
using Vigil.Video;

namespace Vigil.Cli.Commands;

/// <summary>
/// <c>vigil watch</c>: watch a video file or live stream, match sampled frames against the banks, and
/// print one JSON line per match (grouped per content) as soon as it is found. See docs/watch.md.
/// </summary>
internal static class WatchCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var banks = new Option<string[]>("--bank", "-b")
        {
            Description = "Match only against this bank (repeatable; default: every enabled bank). Negative banks always apply",
        };
        var fps = new Option<double>("--fps")
        {
            Description = "Frames to sample and match per second of video",
            DefaultValueFactory = _ => 2,
            Validators = { r => Positive(r, "--fps", 120) },
        };
        var onMatch = new Option<string?>("--on-match")
        {
            Description = "Run this command (through /bin/sh -c) for each event, with the event's JSON line on its standard input; " +
                "off the watch loop, at most 4 at a time, each for at most 60 s",
            HelpName = "COMMAND",
        };
        var maxDistance = new Option<int>("--max-distance", "-d")
        {
            Description = $"Largest Hamming distance that counts as a match (0..{PdqIndex.MaxSearchDistance})",
            DefaultValueFactory = _ => PdqIndex.DefaultMaxDistance,
            Validators = { r => { if (r.Tokens.Count == 1 && int.TryParse(r.Tokens[0].Value, out int d) && d is < 0 or > PdqIndex.MaxSearchDistance) r.AddError($"--max-distance must be 0..{PdqIndex.MaxSearchDistance}"); } },
        };
        var minQuality = new Option<int>("--min-quality")
        {
            Description = "Frames whose PDQ quality is below this are counted and not matched",
            DefaultValueFactory = _ => 50,
            Validators = { r => { if (r.Tokens.Count == 1 && int.TryParse(r.Tokens[0].Value, out int q) && q is < 0 or > 100) r.AddError("--min-quality must be 0..100"); } },
        };
        var gap = new Option<double>("--gap")
        {
            Description = "Seconds of stream time a content must go unmatched before matching it again is a new event",
            DefaultValueFactory = _ => MatchGrouper.DefaultGap.TotalSeconds,
            Validators = { r => Positive(r, "--gap", 86_400, zeroAllowed: true) },
        };
        var stallTimeout = new Option<double>("--stall-timeout")
        {
            Description = "Seconds without a frame after which a live stream counts as stalled and is reconnected",
            DefaultValueFactory = _ => 10,
            Validators = { r => Positive(r, "--stall-timeout", 3600) },
        };
        var connectTimeout = new Option<double?>("--connect-timeout")
        {
            Description = "Seconds to wait for the first frame after connecting (or reconnecting): connecting and probing take longer than the gap between frames " +
                          "(default 30, or --stall-timeout if longer)",
            Validators = { r => Positive(r, "--connect-timeout", 3600) },
        };
        var maxReconnects = new Option<int?>("--max-reconnects")
        {
            Description = "Give up (exit 1) after this many reconnects in a row without a frame (default: keep trying)",
            Validators = { r => { if (r.Tokens.Count == 1 && int.TryParse(r.Tokens[0].Value, out int n) && n < 0) r.AddError("--max-reconnects cannot be negative"); } },
        };
        var inputFps = new Option<double?>("--input-fps")
        {
            Description = "The input's frame rate, for streams that do not say (default: as ffmpeg reports it)",
            Validators = { r => Positive(r, "--input-fps", 1000) },
        };
        var noReconnect = new Option<bool>("--no-reconnect")
        {
            Description = "Read a URL once, as a file: end when it ends (e.g. a recorded HLS playlist); no low-latency input flags",
        };
        var openCases = new Option<bool>("--open-cases")
        {
            Description = "Open a review case for each event: an item with the frame's hash in the open case of this stream (see 'vigil review')",
        };
        var robust = new Option<bool>("--robust")
        {
            Description = $"Also match each sampled frame with its borders trimmed: the picture's rectangle inside letterbox or pillarbox bars, " +
                $"agreed over the last {BorderWindow.DefaultFrames} sampled frames (an event found so says \"variant\":\"trimmed\")",
        };
        var trace = new Option<bool>("--trace")
        {
            Description = "Print each sampled frame's timings on stderr (for measuring latency)",
            Hidden = true,
        };
        var input = new Argument<string>("INPUT")
        {
            Description = "A video file, - for standard input, or a stream URL ffmpeg reads (udp://, rtmp://, http(s):// HLS, ...)",
        };
        var command = new Command("watch", "Watch a video or live stream: match sampled frames against the banks and print a JSON line per match as it is found")
        {
            banks, fps, onMatch, maxDistance, minQuality, gap, stallTimeout, connectTimeout, maxReconnects, inputFps, noReconnect, openCases, robust, trace, input,
        };
        var actions = new ActionOptions();
        actions.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            actions.RequireWith(parse, parse.GetValue(openCases));
            // Events come from the watch loop; failures also from on-match workers and the bank follower.
            var log = TextWriter.Synchronized(error);
            string source = parse.GetValue(input)!;
            await using var store = await StoreOption.OpenAsync(parse, ct);
            await using var acting = parse.GetValue(openCases) ? actions.Load(parse, store) : CliActions.Off;
            var matcher = await BankMatcher.LoadAsync(store, parse.GetValue(banks) ?? [], log, ct);
            if (matcher.HashCount == 0)
                log.WriteLine($"warning: the banks in {store.Location} hold no PDQ hashes: nothing can match");

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            // A long watch sees bank changes made meanwhile (by any process) within a few seconds.
            var follow = matcher.FollowAsync(TimeSpan.FromSeconds(5), log, stop.Token);

            var frames = new FfmpegWatchSource(source, parse.GetValue(fps), TimeSpan.FromSeconds(parse.GetValue(stallTimeout)),
                isLive: parse.GetValue(noReconnect) ? false : null, inputFramesPerSecond: parse.GetValue(inputFps),
                connectTimeout: parse.GetValue(connectTimeout) is double connect ? TimeSpan.FromSeconds(connect) : null, trimBorders: parse.GetValue(robust));
            string? shell = parse.GetValue(onMatch);
            var runner = string.IsNullOrWhiteSpace(shell) ? null : new OnMatchRunner(shell, log);
            var options = new StreamWatchOptions
            {
                MaxDistance = parse.GetValue(maxDistance),
                MinQuality = parse.GetValue(minQuality),
                GroupGap = TimeSpan.FromSeconds(parse.GetValue(gap)),
                MaxReconnects = parse.GetValue(maxReconnects),
            };
            var opener = parse.GetValue(openCases) ? new CaseOpener(store, actions: acting.Sink) : null;
            // A live stream's matches reach the platform while it runs, not at its end.
            await acting.StartSendingAsync(ct);
            var watcher = new StreamWatcher(frames, new BankWatchMatcher(matcher), options, async (e, token) =>
            {
                string json = e.ToJson();
                output.WriteLine(json);
                output.Flush();
                runner?.TryEnqueue(e, json);
                if (opener is not null && e.FrameHash is { } hash)
                {
                    await opener.OpenAsync("watch:" + source, "watch", [new Signal(SignalType.Pdq, hash.ToString())],
                        [(e.Bank, e.ContentId, "pdq", e.Distance)],
                        new ItemContext { Url = source, UploadedAt = e.Time, FileName = $"frame {e.Frame} at {e.StreamSeconds.ToString("0.000", CultureInfo.InvariantCulture)} s" }, token);
                }
            }, log)
            {
                Trace = parse.GetValue(trace) ? t => log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"trace: frame={t.Frame} stream_seconds={t.StreamSeconds:0.000} received_unix_ms={t.ReceivedAt.ToUnixTimeMilliseconds()} hash_ms={t.HashTime.TotalMilliseconds:0.00} match_ms={t.MatchTime.TotalMilliseconds:0.000} quality={t.Quality} matches={t.Matches}")) : null,
            };
            log.WriteLine($"watch: {source}{(frames.IsLive ? " (live: reconnects when it stalls or ends)" : "")}, {parse.GetValue(fps).ToString(CultureInfo.InvariantCulture)} frames/s{(frames.TrimBorders ? " (plain and with borders trimmed)" : "")}, " +
                $"{matcher.ReportableHashCount():N0} hashes in {matcher.BankCount} bank(s)");
            int exit = ExitCodes.Success;
            try
            {
                await watcher.RunAsync(ct);
            }
            catch (VideoDecodeException e)
            {
                output.Flush();
                log.WriteLine($"error: {e.Message}");
                exit = ExitCodes.Failure;
            }
            finally
            {
                await stop.CancelAsync();
                await follow;
                if (runner is not null)
                {
                    // After the end of a file, let the commands finish; on Ctrl+C or SIGTERM, stop them quickly.
                    await runner.DrainAsync(ct.IsCancellationRequested ? TimeSpan.FromSeconds(1) : runner.Timeout + TimeSpan.FromSeconds(5));
                    await runner.DisposeAsync();
                }
                output.Flush();
            }
            var summary = watcher.Summary;
            if (summary.GaveUp)
                exit = ExitCodes.Failure;
            string commands = runner is null ? "" : $"; on-match: {runner.Completed} run, {runner.Failed} failed, {runner.Dropped} dropped";
            log.WriteLine($"watch: {(ct.IsCancellationRequested ? "stopped" : summary.GaveUp ? "gave up" : "done")}: {summary}{commands}");
            if (opener is not null)
                log.WriteLine(opener.Summary());
            // On Ctrl+C or SIGTERM, no more sending here: what is left waits in the outbox.
            if (await acting.FinishAsync(CancellationToken.None, sendDue: !ct.IsCancellationRequested) is { } sent)
                log.WriteLine(sent);
            return exit;
        });
        return command;
    }

    /// <summary>Checks a number of seconds or frames: more than 0 (or at least 0 with <paramref name="zeroAllowed"/>) and at most <paramref name="max"/>.</summary>
    private static void Positive(System.CommandLine.Parsing.OptionResult r, string name, double max, bool zeroAllowed = false)
    {
        if (r.Tokens.Count == 1 && (!double.TryParse(r.Tokens[0].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
            || !(zeroAllowed ? v >= 0 : v > 0) || !(v <= max)))
            r.AddError(zeroAllowed ? $"{name} must be 0..{max}" : $"{name} must be more than 0 and at most {max}");
    }
}
