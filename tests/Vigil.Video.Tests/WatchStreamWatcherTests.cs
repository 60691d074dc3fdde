using System.Runtime.CompilerServices;
using Vigil.Hashing.Pdq;
using Vigil.Media.Video;
using Vigil.Video;

namespace Vigil.Video.Tests;

/// <summary>The watch loop without ffmpeg: frames from lists, a matcher that knows one hash, reconnects without waiting.</summary>
public sealed class WatchStreamWatcherTests
{
    private static readonly PdqHash Known = new(0x0123456789abcdef, 0xfedcba9876543210, 0x0f0f0f0f0f0f0f0f, 0xf0f0f0f0f0f0f0f0);
    private static readonly PdqHash Near = new(0x0123456789abcdee, 0xfedcba9876543210, 0x0f0f0f0f0f0f0f0f, 0xf0f0f0f0f0f0f0f1); // distance 2
    private static readonly PdqHash Unrelated = new(~0x0123456789abcdefUL, ~0xfedcba9876543210UL, ~0x0f0f0f0f0f0f0f0fUL, ~0xf0f0f0f0f0f0f0f0UL);

    /// <summary>Matches <see cref="Known"/> (content 7 of KNOWN) within the distance; nothing else.</summary>
    private sealed class OneHashMatcher : IWatchMatcher
    {
        public int Calls;

        public ValueTask<IReadOnlyList<WatchMatch>> MatchAsync(PdqHash hash, int maxDistance, CancellationToken cancellationToken)
        {
            Calls++;
            int d = hash.DistanceTo(Known);
            return ValueTask.FromResult<IReadOnlyList<WatchMatch>>(d <= maxDistance ? [new WatchMatch("KNOWN", 7, d)] : []);
        }
    }

    /// <summary>Each call of ReadAsync is the next connection: its frames, then its end (or failure).</summary>
    private sealed class ScriptedSource(bool live, params (WatchFrame[] Frames, Exception? Failure)[] connections) : IWatchFrameSource
    {
        public int Opened;

        public bool IsLive => live;

        public async IAsyncEnumerable<WatchFrame> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            int n = Opened++;
            var (frames, failure) = n < connections.Length ? connections[n] : ([], new VideoStreamStalledException("udp://x", TimeSpan.FromSeconds(1), 0));
            foreach (var f in frames)
            {
                await Task.Yield();
                yield return f;
            }
            if (failure is not null)
                throw failure;
        }
    }

    private static WatchFrame[] Frames(int first, params PdqHash[] hashes) =>
        hashes.Select((h, i) => new WatchFrame((first + i) * 12, (first + i) * 0.5, 90, h)).ToArray();

    private static PdqHash[] Repeat(PdqHash h, int n) => Enumerable.Repeat(h, n).ToArray();

    [Fact]
    public async Task AFileEndsAtItsEndWithOneEventPerAppearanceAndTheCounts()
    {
        // 3 s unrelated, 4 s known, 6 s unrelated, 2 s known again: two events. Plus two low-quality frames.
        var frames = Frames(0, [.. Repeat(Unrelated, 6), .. Repeat(Near, 8), .. Repeat(Unrelated, 12), .. Repeat(Known, 4)]).ToList();
        frames.Insert(3, new WatchFrame(1000, 1.6, 20, Known));
        frames.Insert(10, new WatchFrame(1001, 4.6, 49, Known));
        var source = new ScriptedSource(false, ([.. frames], null));
        var matcher = new OneHashMatcher();
        var events = new List<WatchEvent>();
        var log = new StringWriter();
        var watcher = new StreamWatcher(source, matcher, new StreamWatchOptions(), (e, _) => { events.Add(e); return ValueTask.CompletedTask; }, log);
        var summary = await watcher.RunAsync(CancellationToken.None);

        Assert.Equal(1, source.Opened);
        Assert.Equal([(72L, 3.0, 2), (312L, 13.0, 0)], events.Select(e => (e.Frame, e.StreamSeconds, e.Distance)));
        Assert.All(events, e => Assert.Equal(("KNOWN", 7L, 90), (e.Bank, e.ContentId, e.Quality)));
        Assert.Equal(32, summary.Frames);
        Assert.Equal(2, summary.SkippedForQuality);
        Assert.Equal(30, matcher.Calls);
        Assert.Equal(12, summary.MatchedFrames);
        Assert.Equal(2, summary.Events);
        Assert.Equal(0, summary.Reconnects);
        Assert.Equal("32 frames, 12 matched, 2 skipped for quality, 2 events, 0 reconnects", summary.ToString());
        Assert.Equal("", log.ToString());
    }

    [Fact]
    public async Task AFileThatCannotBeDecodedThrows()
    {
        var source = new ScriptedSource(false, (Frames(0, Known), new VideoDecodeException("x.mp4: truncated")));
        var watcher = new StreamWatcher(source, new OneHashMatcher(), new StreamWatchOptions(), (_, _) => ValueTask.CompletedTask, TextWriter.Null);
        await Assert.ThrowsAsync<VideoDecodeException>(() => watcher.RunAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ALiveStreamThatStallsIsReportedAndReconnectedWithBackoffThatResetsOnceFramesFlow()
    {
        var stalled = new VideoStreamStalledException("udp://127.0.0.1:5000", TimeSpan.FromSeconds(10), 4);
        var source = new ScriptedSource(true,
            (Frames(0, Known, Known, Known, Known), stalled),                  // frames, then a stall
            ([], new VideoDecodeException("udp://127.0.0.1:5000: connection refused")),
            ([], stalled),
            (Frames(0, Known, Known), null),                                  // back (numbers restart), then it ends
            ([], stalled));                                                   // and from then on nothing
        var waits = new List<TimeSpan>();
        var log = new StringWriter();
        var events = new List<WatchEvent>();
        var watcher = new StreamWatcher(source, new OneHashMatcher(), new StreamWatchOptions { MaxReconnects = 4 },
            (e, _) => { events.Add(e); return ValueTask.CompletedTask; }, log,
            delay: (wait, _) => { waits.Add(wait); return Task.CompletedTask; });
        var summary = await watcher.RunAsync(CancellationToken.None);

        Assert.Equal([0.5, 1, 2, 0.5, 1, 2, 4], waits.Select(w => w.TotalSeconds));
        Assert.Equal(7, summary.Reconnects);
        Assert.True(summary.GaveUp);
        Assert.Equal(6, summary.Frames);
        string text = log.ToString();
        Assert.Contains("watch: udp://127.0.0.1:5000: no frame for 10 s (after 4 frames); the stream stalled; reconnecting in 0.5 s (attempt 1)", text);
        Assert.Contains("connection refused; reconnecting in 1 s (attempt 2)", text);
        Assert.Contains("watch: frames flowing again after 3 reconnects", text);
        Assert.Contains("watch: the stream ended; reconnecting in 0.5 s (attempt 1)", text);
        Assert.Contains("giving up after 4 reconnects without a frame", text);
        // Frame numbers and positions count on across the reconnect; the outage (no wall time here) does not
        // separate the two connections' matches by more than the gap, so they are one group.
        var e = Assert.Single(events);
        Assert.Equal(0, e.Frame);
    }

    [Fact]
    public async Task FrameNumbersAndPositionsCountOnAcrossReconnectsAndALongOutageOpensANewGroup()
    {
        var clock = new ManualClock();
        var source = new ScriptedSource(true,
            (Frames(0, Known, Known), new VideoStreamStalledException("udp://x", TimeSpan.FromSeconds(1), 2)),
            (Frames(0, Known, Unrelated), null),
            (Frames(0, Known), null));
        var events = new List<WatchEvent>();
        var watcher = new StreamWatcher(source, new OneHashMatcher(), new StreamWatchOptions { MaxReconnects = 1 },
            (e, _) => { events.Add(e); return ValueTask.CompletedTask; }, TextWriter.Null, clock,
            delay: (wait, _) => { clock.Advance(TimeSpan.FromSeconds(wait == TimeSpan.FromSeconds(0.5) && source.Opened == 1 ? 2 : 9)); return Task.CompletedTask; });
        await watcher.RunAsync(CancellationToken.None);

        // Connection 1: frames 0, 12 at 0, 0.5 s. Outage of 2 s: connection 2 starts at frame 13, 2.5 s (same group).
        // Outage of 9 s: connection 3 starts at frame 26 (after 25), 3.0 + 9 = 12 s: a new event.
        Assert.Equal([(0L, 0.0), (26L, 12.0)], events.Select(e => (e.Frame, e.StreamSeconds)));
    }

    [Fact]
    public async Task AFailureHandlingAnEventEndsTheWatchInsteadOfReconnecting()
    {
        // E.g. standard output closed (vigil watch ... | head -1): not the stream's fault, no reconnect loop.
        var source = new ScriptedSource(true, (Frames(0, Known), null));
        var watcher = new StreamWatcher(source, new OneHashMatcher(), new StreamWatchOptions(),
            (_, _) => throw new IOException("Broken pipe"), TextWriter.Null,
            delay: (_, _) => throw new Xunit.Sdk.XunitException("no reconnect expected"));
        var e = await Assert.ThrowsAsync<IOException>(() => watcher.RunAsync(CancellationToken.None));
        Assert.Equal("Broken pipe", e.Message);
        Assert.Equal(1, source.Opened);
    }

    [Theory]
    [InlineData("udp://127.0.0.1:5000", true)]
    [InlineData("rtmp://ingest.local/live/key", true)]
    [InlineData("https://cdn.local/live/index.m3u8", true)]
    [InlineData("srt://10.0.0.2:9000", true)]
    [InlineData("file:///srv/video.mp4", false)]
    [InlineData("-", false)]
    [InlineData("/srv/videos/a.mp4", false)]
    [InlineData("relative/dir:with-colon.ts", false)]
    public void UrlsAreLiveFilesAndStandardInputAreNot(string input, bool live)
    {
        Assert.Equal(live, FfmpegWatchSource.IsLiveInput(input));
        Assert.Equal(live, new FfmpegWatchSource(input).IsLive);
        Assert.False(new FfmpegWatchSource(input, isLive: false).IsLive);
    }

    [Fact]
    public async Task CancellingEndsTheWatchNormally()
    {
        using var cts = new CancellationTokenSource();
        var source = new EndlessSource();
        var watcher = new StreamWatcher(source, new OneHashMatcher(), new StreamWatchOptions(), (_, _) => ValueTask.CompletedTask, TextWriter.Null);
        var run = watcher.RunAsync(cts.Token);
        await Task.Delay(100);
        await cts.CancelAsync();
        var summary = await run.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(summary.Frames > 0);
    }

    private sealed class EndlessSource : IWatchFrameSource
    {
        public bool IsLive => true;

        public async IAsyncEnumerable<WatchFrame> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            for (long i = 0; ; i++)
            {
                await Task.Delay(5, cancellationToken);
                yield return new WatchFrame(i, i * 0.5, 90, Known);
            }
        }
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
