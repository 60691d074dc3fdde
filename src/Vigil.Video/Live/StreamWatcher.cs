using System.Diagnostics;
using System.Globalization;

namespace Vigil.Video;

/// <summary>Settings of a <see cref="StreamWatcher"/>.</summary>
public sealed record StreamWatchOptions
{
    /// <summary>Largest PDQ distance that matches (default 31).</summary>
    public int MaxDistance { get; init; } = 31;

    /// <summary>Frames whose PDQ quality is below this are counted and not matched (default 50).</summary>
    public int MinQuality { get; init; } = 50;

    /// <summary>Stream time a content must go unmatched before matching it again raises a new event (default 5 s).</summary>
    public TimeSpan GroupGap { get; init; } = MatchGrouper.DefaultGap;

    /// <summary>First wait before reconnecting a live stream (default 0.5 s, doubling).</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(0.5);

    /// <summary>Longest wait before reconnecting (default 30 s).</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Give up after this many reconnects in a row without a frame (null: never give up).</summary>
    public int? MaxReconnects { get; init; }
}

/// <summary>What a watch did, for the summary line.</summary>
public sealed class WatchSummary
{
    /// <summary>Sampled frames hashed.</summary>
    public long Frames { get; internal set; }

    /// <summary>Frames that matched some bank content.</summary>
    public long MatchedFrames { get; internal set; }

    /// <summary>Frames not matched because their quality was too low.</summary>
    public long SkippedForQuality { get; internal set; }

    /// <summary>Events raised (after grouping).</summary>
    public long Events { get; internal set; }

    /// <summary>Reconnects to the stream.</summary>
    public long Reconnects { get; internal set; }

    /// <summary>True when the watch gave up on a stream that would not come back (<see cref="StreamWatchOptions.MaxReconnects"/>).</summary>
    public bool GaveUp { get; internal set; }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Frames} frames, {MatchedFrames} matched, {SkippedForQuality} skipped for quality, {Events} events, {Reconnects} reconnects");
}

/// <summary>Timings of one sampled frame, for measuring latency (<c>vigil watch --trace</c>).</summary>
/// <param name="Frame">The frame number reported.</param>
/// <param name="StreamSeconds">Its position in this connection's stream.</param>
/// <param name="ReceivedAt">When the decoded frame reached the process.</param>
/// <param name="HashTime">Hashing time.</param>
/// <param name="MatchTime">Matching time.</param>
/// <param name="Quality">PDQ quality.</param>
/// <param name="Matches">How many matches it had.</param>
public readonly record struct WatchFrameTrace(long Frame, double StreamSeconds, DateTimeOffset ReceivedAt, TimeSpan HashTime, TimeSpan MatchTime, int Quality, int Matches);

/// <summary>
/// Watches a stream of hashed frames: matches each (quality permitting) against the banks, groups
/// consecutive matches of a content into one event (<see cref="MatchGrouper"/>), and hands each event
/// on as soon as it is found. A live input that ends, stalls or fails is reported on the log and
/// reconnected with exponential backoff (<see cref="ReconnectPolicy"/>); a file ends at its end.
/// Frame numbers and stream positions count on across reconnects (the outage's wall-clock time is
/// added to the position), so grouping stays consistent over a reconnect.
/// </summary>
public sealed class StreamWatcher
{
    private readonly IWatchFrameSource _source;
    private readonly IWatchMatcher _matcher;
    private readonly StreamWatchOptions _options;
    private readonly Func<WatchEvent, CancellationToken, ValueTask> _onEvent;
    private readonly TextWriter _log;
    private readonly TimeProvider _time;
    private readonly Func<TimeSpan, CancellationToken, Task> _delay;

    /// <summary>A watcher of <paramref name="source"/>.</summary>
    /// <param name="source">The frames.</param>
    /// <param name="matcher">The banks.</param>
    /// <param name="options">Settings.</param>
    /// <param name="onEvent">Called with each event, on the watch loop (keep it quick).</param>
    /// <param name="log">Where stalls, reconnects and errors are reported.</param>
    /// <param name="time">The clock (the system's when null).</param>
    /// <param name="delay">How to wait before a reconnect (<see cref="Task.Delay(TimeSpan, CancellationToken)"/> when null).</param>
    public StreamWatcher(IWatchFrameSource source, IWatchMatcher matcher, StreamWatchOptions options,
        Func<WatchEvent, CancellationToken, ValueTask> onEvent, TextWriter log, TimeProvider? time = null,
        Func<TimeSpan, CancellationToken, Task>? delay = null)
    {
        _source = source;
        _matcher = matcher;
        _options = options;
        _onEvent = onEvent;
        _log = log;
        _time = time ?? TimeProvider.System;
        _delay = delay ?? Task.Delay;
    }

    /// <summary>Counts so far (complete once <see cref="RunAsync"/> returns).</summary>
    public WatchSummary Summary { get; } = new();

    /// <summary>Called with each sampled frame's timings, when set.</summary>
    public Action<WatchFrameTrace>? Trace { get; init; }

    /// <summary>
    /// Watches until a file input ends or <paramref name="cancellationToken"/> is cancelled (both return
    /// normally). A file that cannot be decoded throws; a live stream is retried instead, forever unless
    /// <see cref="StreamWatchOptions.MaxReconnects"/> is set.
    /// </summary>
    /// <param name="cancellationToken">Ends the watch.</param>
    public async Task<WatchSummary> RunAsync(CancellationToken cancellationToken)
    {
        var grouper = new MatchGrouper(_options.GroupGap);
        var policy = new ReconnectPolicy(_options.InitialBackoff, _options.MaxBackoff);
        // Offsets that make frame numbers and positions count on across connections.
        long frameOffset = 0;
        double positionOffset = 0;
        long lastFrame = -1;
        double lastPosition = 0;
        DateTimeOffset? lastFrameAt = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            bool flowing = false;
            string? problem = null;
            var frames = _source.ReadAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
            try
            {
                while (true)
                {
                    // Only the source's failures are the stream's: one from handling a frame (a closed
                    // standard output, say) ends the watch.
                    try
                    {
                        if (!await frames.MoveNextAsync())
                            break;
                    }
                    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                    {
                        return Summary;
                    }
                    catch (Exception e) when (_source.IsLive && e is not OutOfMemoryException)
                    {
                        problem = e.Message;
                        break;
                    }
                    var frame = frames.Current;
                    var now = _time.GetUtcNow();
                    if (!flowing)
                    {
                        flowing = true;
                        if (Summary.Reconnects > 0)
                            _log.WriteLine($"watch: frames flowing again after {Plural(policy.Attempts, "reconnect")}");
                        policy.Reset();
                        if (lastFrameAt is { } then)
                        {
                            // Continue after the last frame, the outage's wall-clock time later.
                            frameOffset = lastFrame + 1 - frame.FrameNumber;
                            positionOffset = lastPosition + Math.Max(0, (now - then).TotalSeconds) - frame.TimestampSeconds;
                        }
                    }
                    long number = frameOffset + frame.FrameNumber;
                    double position = Math.Max(lastPosition, positionOffset + frame.TimestampSeconds);
                    lastFrame = number;
                    lastPosition = position;
                    lastFrameAt = now;
                    try
                    {
                        await ProcessAsync(frame, number, position, grouper, cancellationToken);
                    }
                    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                    {
                        return Summary;
                    }
                }
            }
            finally
            {
                // Stops the decoder (ffmpeg is killed) whether the stream ended, failed or the watch stops.
                try
                {
                    await frames.DisposeAsync();
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    _log.WriteLine($"watch: closing the stream: {e.Message}");
                }
            }
            if (cancellationToken.IsCancellationRequested)
                return Summary;
            if (problem is null)
            {
                if (!_source.IsLive)
                    return Summary;
                problem = flowing ? "the stream ended" : "the stream ended before any frame";
            }

            if (_options.MaxReconnects is int max && policy.Attempts >= max)
            {
                _log.WriteLine($"watch: {problem}; giving up after {Plural(policy.Attempts, "reconnect")} without a frame");
                Summary.GaveUp = true;
                return Summary;
            }
            var wait = policy.NextDelay();
            Summary.Reconnects++;
            _log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"watch: {problem}; reconnecting in {wait.TotalSeconds:0.###} s (attempt {policy.Attempts})"));
            try
            {
                await _delay(wait, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return Summary;
            }
        }
        return Summary;
    }

    private async Task ProcessAsync(WatchFrame frame, long number, double position, MatchGrouper grouper, CancellationToken cancellationToken)
    {
        Summary.Frames++;
        // A trimmed hash good enough to match makes the frame worth matching even when the whole frame's is not.
        var trimmed = frame.Trimmed is { } t && t.Quality >= _options.MinQuality ? t : (Vigil.Hashing.Pdq.PdqResult?)null;
        bool plainUsable = frame.Quality >= _options.MinQuality;
        if (!plainUsable && trimmed is null)
        {
            Summary.SkippedForQuality++;
            Trace?.Invoke(new WatchFrameTrace(number, frame.TimestampSeconds, frame.ReceivedAt, frame.HashTime, TimeSpan.Zero, frame.Quality, 0));
            // Still lets the grouper forget groups that have closed.
            grouper.Observe(_time.GetUtcNow(), number, position, frame.Quality, []);
            return;
        }
        long started = Stopwatch.GetTimestamp();
        var matches = plainUsable ? await _matcher.MatchAsync(frame.Hash, _options.MaxDistance, cancellationToken) : [];
        if (trimmed is { } cropped)
            // An extra hash per frame is another chance per frame to meet an unrelated picture: it matches within a
            // robust query's distance for extras, as an image's trimmed picture does (docs/quality.md).
            matches = WithTrimmed(matches, await _matcher.MatchAsync(cropped.Hash, Vigil.Banks.RobustSearch.ExtraDistanceFor(_options.MaxDistance), cancellationToken));
        var matchTime = Stopwatch.GetElapsedTime(started);
        if (matches.Count > 0)
            Summary.MatchedFrames++;
        var events = grouper.Observe(_time.GetUtcNow(), number, position, frame.Quality, matches);
        foreach (var e in events)
        {
            Summary.Events++;
            // An event found by the trimmed hash carries that hash and its quality.
            var raised = e.Variant is not null && trimmed is { } found
                ? e with { FrameHash = found.Hash, Quality = found.Quality }
                : e with { FrameHash = frame.Hash };
            await _onEvent(raised, cancellationToken);
        }
        Trace?.Invoke(new WatchFrameTrace(number, frame.TimestampSeconds, frame.ReceivedAt, frame.HashTime, matchTime, frame.Quality, matches.Count));
    }

    /// <summary>The plain hash's matches and the trimmed hash's (named <c>trimmed</c>); no copy when the trimmed hash matched nothing.</summary>
    private static IReadOnlyList<WatchMatch> WithTrimmed(IReadOnlyList<WatchMatch> plain, IReadOnlyList<WatchMatch> trimmed)
    {
        if (trimmed.Count == 0)
            return plain;
        var all = new List<WatchMatch>(plain.Count + trimmed.Count);
        for (int i = 0; i < plain.Count; i++)
            all.Add(plain[i]);
        for (int i = 0; i < trimmed.Count; i++)
            all.Add(trimmed[i] with { Variant = RobustVideoOutcome.Trimmed });
        return all;
    }

    private static string Plural(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
}
