using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;
using Vigil.Testing;
using Xunit.Abstractions;

namespace Vigil.Cli.Tests;

/// <summary>
/// A made-up stream for <c>vigil watch</c>: 1 s black (PDQ quality 0), ffmpeg's "life" pattern
/// (unrelated), SMPTE bars (known), "life" again, a still of the Mandelbrot pattern (known); 25 fps,
/// MPEG-2 in MPEG-TS, and a bank holding one frame of each known scene, extracted as PNG.
/// </summary>
public sealed class WatchSceneFixture : IDisposable
{
    public const double Fps = 25;
    /// <summary>First frame of the bars and of the Mandelbrot still.</summary>
    public const int BarsStart = 158, MandelStart = 430, FrameCount = 525;
    public const string Bank = "KNOWN_SCENES";

    private readonly TempDirectory _dir = new("vigil-watch-");

    public WatchSceneFixture()
    {
        Scene = _dir.File("scene.ts");
        Db = _dir.File("vigil.db");
        string life = "life=s=640x360:r=25:mold=10:ratio=0.5:death_color=#202020:life_color=#e0e0e0:seed=";
        string still = _dir.File("mandel-still.png");
        Ffmpeg("-f", "lavfi", "-i", "mandelbrot=s=640x360:r=25,trim=start_frame=50", "-frames:v", "1", still);
        Ffmpeg(
            "-f", "lavfi", "-i", "color=c=black:s=640x360:r=25",
            "-f", "lavfi", "-i", life + "1",
            "-f", "lavfi", "-i", "smptebars=s=640x360:r=25",
            "-f", "lavfi", "-i", life + "2",
            "-loop", "1", "-framerate", "25", "-i", still,
            "-filter_complex",
            "[0:v]trim=end_frame=25,setpts=PTS-STARTPTS,format=yuv420p[k];" +
            "[1:v]trim=end_frame=133,setpts=PTS-STARTPTS,format=yuv420p[a];" +
            "[2:v]trim=end_frame=117,setpts=PTS-STARTPTS,format=yuv420p[b];" +
            "[3:v]trim=end_frame=155,setpts=PTS-STARTPTS,format=yuv420p[c];" +
            "[4:v]trim=end_frame=95,setpts=PTS-STARTPTS,format=yuv420p[d];" +
            "[k][a][b][c][d]concat=n=5:v=1:a=0[v]",
            "-map", "[v]", "-c:v", "mpeg2video", "-q:v", "3", "-bf", "0", "-g", "12", "-f", "mpegts", Scene);
        string bars = _dir.File("bars.png"), mandel = _dir.File("mandel.png");
        Ffmpeg("-ss", "8", "-i", Scene, "-frames:v", "1", bars);
        Ffmpeg("-ss", "19", "-i", Scene, "-frames:v", "1", mandel);
        Ok("bank", "create", Bank);
        Ok("bank", "add", Bank, bars, mandel); // content 1: bars, content 2: Mandelbrot
    }

    public string Scene { get; }

    public string Db { get; }

    public string Dir => _dir.Path;

    /// <summary>Seconds of stream time at which each known scene starts.</summary>
    public static double BarsSeconds => BarsStart / Fps;

    public static double MandelSeconds => MandelStart / Fps;

    internal CliResult Ok(params string[] args)
    {
        var result = CliRunner.Run(["--db", Db, .. args]);
        Assert.True(result.ExitCode == 0, $"vigil {string.Join(' ', args)} exited {result.ExitCode}: {result.Error}");
        return result;
    }

    public static void Ffmpeg(params string[] args) => FfmpegTool.Run(args);

    public void Dispose() => _dir.Dispose();
}

/// <summary>
/// <c>vigil watch</c> end to end with real ffmpeg processes on 127.0.0.1: a file ends with its events
/// and exit 0; a live MPEG-TS stream over UDP raises each known scene's event within a second of the
/// scene entering the stream (measured, with its parts), runs <c>--on-match</c>, and stops cleanly on
/// SIGTERM; a stream that stops is reported and reconnected, and a watch gives up when told to.
/// </summary>
public sealed partial class WatchCommandTests(WatchSceneFixture scene, ITestOutputHelper log) : IClassFixture<WatchSceneFixture>
{
    [Fact]
    public void AFileEndsAtItsEndWithExitZeroAndOneEventPerKnownScene()
    {
        var result = CliRunner.Run("--db", scene.Db, "watch", scene.Scene);
        Assert.True(result.ExitCode == 0, result.Error);
        var events = result.OutputLines.Select(Parse).ToArray();
        // Sampled every (int)(25 / 2) = 12 frames: the first samples inside the two known scenes.
        Assert.Equal([(168L, 6.72, 1L), (432L, 17.28, 2L)], events.Select(e => (e.Frame, e.StreamSeconds, e.ContentId)));
        Assert.All(events, e => Assert.Equal(WatchSceneFixture.Bank, e.Bank));
        Assert.All(events, e => Assert.InRange(e.Distance, 0, 31));
        Assert.All(events, e => Assert.InRange(e.Quality, 50, 100));
        Assert.All(events, e => Assert.InRange(e.Time, DateTimeOffset.UtcNow.AddMinutes(-2), DateTimeOffset.UtcNow));
        // 44 samples (frames 0..516); 3 black ones skipped; 9 bars + 8 Mandelbrot samples matched.
        Assert.Contains("watch: done: 44 frames, 17 matched, 3 skipped for quality, 2 events, 0 reconnects", result.Error);

        // --gap 0: every matching sample is an event.
        var ungrouped = CliRunner.Run("--db", scene.Db, "watch", "--gap", "0", scene.Scene);
        Assert.Equal(17, ungrouped.OutputLines.Length);
    }

    [Fact]
    public async Task Open_cases_makes_each_event_an_item_of_the_streams_open_case_and_tells_the_platform()
    {
        using var dir = new TempDirectory("vigil-watch-cases-");
        string db = dir.File("vigil.db");
        Assert.Equal(0, CliRunner.Run("--db", db, "bank", "create", WatchSceneFixture.Bank).ExitCode);
        Assert.Equal(0, CliRunner.Run("--db", db, "bank", "add", WatchSceneFixture.Bank, Path.Combine(scene.Dir, "bars.png"), Path.Combine(scene.Dir, "mandel.png")).ExitCode);
        await using var receiver = await WebhookReceiver.StartAsync(CliActionsTests.Secret, up: true);
        var result = CliRunner.Run("--db", db, "watch", "--open-cases", scene.Scene,
            "--actions", CliActionsTests.RulesFile(dir.Path, receiver.Address), "--allow-webhook-url", receiver.Address + "hooks/");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("open-cases: 2 item(s) in case(s) 1;", result.Error);
        // Each event is a signed webhook (sent while the stream runs, the rest before the command ends).
        Assert.Contains("actions: 2 of 2 webhook(s) delivered", result.Error);
        var hooks = receiver.Bodies.Select(b => System.Text.Json.JsonDocument.Parse(b).RootElement).ToList();
        Assert.Equal([(1L, "watch"), (2L, "watch")], hooks.Select(h => (h.GetProperty("item_id").GetInt64(), h.GetProperty("source").GetString())).Order());
        var show = System.Text.Json.JsonDocument.Parse(CliRunner.Run("--db", db, "review", "show", "1", "--format", "json").Output).RootElement;
        Assert.Equal("watch:" + scene.Scene, show.GetProperty("case").GetProperty("subject").GetString());
        var items = show.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([1L, 2L], items.Select(i => i.GetProperty("matches")[0].GetProperty("content_id").GetInt64()));
        Assert.All(items, i => Assert.Equal(("watch", 64), (i.GetProperty("source").GetString(), i.GetProperty("signals").GetProperty("pdq").GetString()!.Length)));
        Assert.Contains("frame 168 at 6.720 s", items[0].GetProperty("context").GetProperty("file_name").GetString());
    }

    [Fact]
    public void With_a_bank_the_start_line_counts_that_banks_hashes()
    {
        using var dir = new TempDirectory("vigil-watch-bank-");
        string db = dir.File("vigil.db");
        File.Copy(scene.Db, db);
        Assert.Equal(0, CliRunner.Run("--db", db, "bank", "create", "OTHER").ExitCode);
        string bridge = Fixtures.ThreatExchange("pdq/data/bridge-mods/aaa-orig.jpg"), wee = Fixtures.ThreatExchange("pdq/data/misc-images/wee.jpg");
        Assert.Equal(0, CliRunner.Run("--db", db, "bank", "add", "OTHER", bridge, wee).ExitCode);

        Assert.Contains("4 hashes in 2 bank(s)", CliRunner.Run("--db", db, "watch", scene.Scene).Error);
        Assert.Contains("2 hashes in 1 bank(s)", CliRunner.Run("--db", db, "watch", "--bank", WatchSceneFixture.Bank, scene.Scene).Error);
    }

    [Fact]
    public void AnEditedCopyOfABankVideoIsOneEventForThatVideo()
    {
        using var dir = new TempDirectory("vigil-watch-video-");
        string db = dir.File("vigil.db"), grey = dir.File("grey.mp4");
        string original = Path.Combine(Fixtures.Root, "threatexchange", "tmk", "sample-videos", "doorknob-hd-no-bar.mp4");
        WatchSceneFixture.Ffmpeg("-i", original, "-vf", "hue=s=0", "-c:v", "mpeg4", "-q:v", "3", grey);
        Assert.Equal(0, CliRunner.Run("--db", db, "bank", "create", "VIDEOS").ExitCode);
        var added = CliRunner.Run("--db", db, "bank", "add", "VIDEOS", original);
        Assert.True(added.ExitCode == 0, added.Error);

        var result = CliRunner.Run("--db", db, "watch", grey);
        Assert.True(result.ExitCode == 0, result.Error);
        // The bank video's frames match the grey copy's frames: one event for the video, at the first sample.
        var e = Parse(Assert.Single(result.OutputLines));
        Assert.Equal(("VIDEOS", 1L, 0L), (e.Bank, e.ContentId, e.Frame));
        Assert.InRange(e.Distance, 0, 31);
    }

    [Fact]
    public void TheCommandLineIsChecked()
    {
        Assert.Equal(2, CliRunner.Run("--db", scene.Db, "watch").ExitCode);
        Assert.Equal(2, CliRunner.Run("--db", scene.Db, "watch", "--fps", "0", scene.Scene).ExitCode);
        Assert.Equal(2, CliRunner.Run("--db", scene.Db, "watch", "--gap", "-0.5", scene.Scene).ExitCode);
        Assert.Equal(2, CliRunner.Run("--db", scene.Db, "watch", "--stall-timeout", "0", scene.Scene).ExitCode);
        var connect = CliRunner.Run("--db", scene.Db, "watch", "--connect-timeout", "0", scene.Scene);
        Assert.Equal(2, connect.ExitCode);
        Assert.Contains("--connect-timeout must be more than 0", connect.Error);
        Assert.Equal(2, CliRunner.Run("--db", scene.Db, "watch", "--max-reconnects", "-1", scene.Scene).ExitCode);
        Assert.Equal(2, CliRunner.Run("--db", scene.Db, "watch", "--max-distance", "99", scene.Scene).ExitCode);
        var missing = CliRunner.Run("--db", scene.Db, "watch", Path.Combine(scene.Dir, "missing.mp4"));
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("no such file", missing.Error);
        var noBank = CliRunner.Run("--db", scene.Db, "watch", "--bank", "NO_SUCH_BANK", scene.Scene);
        Assert.Equal(1, noBank.ExitCode);
    }

    /// <summary>
    /// The live test and the latency measurement. The stream goes through a relay in this test (which
    /// notes when its first packet left the sending ffmpeg: frame t then enters the stream t seconds
    /// later, as the sender runs with -re) to two watchers: A at the default 2 frames/s (the figure that
    /// counts), and B sampling every frame, whose first matching frame is the scene's first frame
    /// exactly, so B gives the ffmpeg part (transport, input buffering, decode, pipe) apart from the
    /// sampling wait.
    /// </summary>
    [Fact]
    public async Task AKnownSceneInALiveUdpStreamRaisesItsEventWithinOneSecond()
    {
        int portA = FreeUdpPort(), portB = FreeUdpPort();
        string onMatch = Path.Combine(scene.Dir, $"on-match-{portA}.jsonl");
        await using var a = WatchProcess.Start("--db", scene.Db, "watch", "--trace", "--on-match", $"cat >> '{onMatch}'", $"udp://127.0.0.1:{portA}");
        await using var b = WatchProcess.Start("--db", scene.Db, "watch", "--trace", "--fps", "25", $"udp://127.0.0.1:{portB}");
        await WaitUntilListeningAsync(portA, a);
        await WaitUntilListeningAsync(portB, b);
        using var relay = new UdpRelay(portA, portB);
        await RunFfmpegAsync(TimeSpan.FromSeconds(60), "-re", "-i", scene.Scene, "-c", "copy", "-f", "mpegts", $"udp://127.0.0.1:{relay.Port}?pkt_size=1316");
        var eventsA = await a.WaitForOutputAsync(2, TimeSpan.FromSeconds(10));
        var eventsB = await b.WaitForOutputAsync(2, TimeSpan.FromSeconds(10));
        var w0 = relay.FirstPacketAt ?? throw new Xunit.Sdk.XunitException("the relay saw no packet");

        Assert.Equal(0, await a.StopAsync());
        Assert.Equal(0, await b.StopAsync());
        Assert.Equal(2, a.Output.Count);
        Assert.Equal(2, b.Output.Count);
        Assert.Contains(a.Errors, l => l.Line.StartsWith("watch: stopped: ", StringComparison.Ordinal) && l.Line.EndsWith("2 events, 0 reconnects; on-match: 2 run, 0 failed, 0 dropped", StringComparison.Ordinal));
        Assert.False(FfmpegRunningFor(portA) || FfmpegRunningFor(portB), "an ffmpeg of the watchers is still running");
        // --on-match got exactly the events printed.
        Assert.Equal(eventsA.Select(e => e.Line), File.ReadAllLines(onMatch));

        var rows = new List<string>();
        foreach (var (content, switchSeconds, name) in new[] { (1L, WatchSceneFixture.BarsSeconds, "bars"), (2L, WatchSceneFixture.MandelSeconds, "Mandelbrot") })
        {
            var entered = w0.AddSeconds(switchSeconds);
            var (eventA, arrivedA) = eventsA.Select(e => (Event: Parse(e.Line), e.At)).Single(e => e.Event.ContentId == content);
            var (eventB, _) = eventsB.Select(e => (Event: Parse(e.Line), e.At)).Single(e => e.Event.ContentId == content);
            // Unrelated frames raised nothing: no event came before its scene entered the stream.
            Assert.True(arrivedA > entered, $"{name}: event at {arrivedA:HH:mm:ss.fff} before the scene entered at {entered:HH:mm:ss.fff}");
            var traceA = Trace(a, eventA.Frame);
            var traceB = Trace(b, eventB.Frame);
            double total = (arrivedA - entered).TotalMilliseconds;
            double ffmpegPart = (traceB.Received - entered).TotalMilliseconds;
            double sampledAfter = (traceA.Received - entered).TotalMilliseconds;
            double wait = sampledAfter - ffmpegPart;
            double output = (arrivedA - traceA.Received).TotalMilliseconds - traceA.HashMs - traceA.MatchMs;
            rows.Add(string.Create(CultureInfo.InvariantCulture,
                $"{name,-10} total {total,6:F0} ms = ffmpeg (send, buffer, decode, pipe) {ffmpegPart,4:F0} + sampling wait {wait,4:F0} + hash {traceA.HashMs,5:F2} + match {traceA.MatchMs,5:F2} + print {output,5:F1}  (A frame {eventA.Frame}, B frame {eventB.Frame}, distance {eventA.Distance})"));
            // The 1 s target is measured and written down (docs/watch.md), not asserted: a timing bar in a
            // test fails on a loaded CI machine. The event must come, and promptly.
            Assert.True(total <= 10_000, $"{name}: {total:F0} ms from entering the stream to the event line");
        }
        foreach (string row in rows)
            log.WriteLine(row);
        // Hashing and matching of every sampled frame at 2/s, for the record.
        var traces = a.Errors.Where(l => l.Line.StartsWith("trace: ", StringComparison.Ordinal)).Select(l => ParseTrace(l.Line)).Skip(1).ToArray();
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"A: {traces.Length} sampled frames: hash mean {traces.Average(t => t.HashMs):F2} ms (max {traces.Max(t => t.HashMs):F2}), match mean {traces.Average(t => t.MatchMs):F3} ms (max {traces.Max(t => t.MatchMs):F3})"));
    }

    [Fact]
    public async Task AStreamThatStopsIsReportedAndReconnectedAndAWatchCanGiveUp()
    {
        int port = FreeUdpPort();
        await using var watch = WatchProcess.Start("--db", scene.Db, "watch", "--stall-timeout", "4", "--connect-timeout", "6", "--max-reconnects", "2",
            $"udp://127.0.0.1:{port}");
        await WaitUntilListeningAsync(port, watch);
        string target = $"udp://127.0.0.1:{port}?pkt_size=1316";
        // Ten seconds, a 4 s stall limit and 6 s for a connection's first frame: a watcher that joins
        // a stream decodes nothing for its first second or so (nobuffer), and for longer while the
        // test run loads the machine (3 s of stream and a 2 s limit twice gave it no frame at all
        // under ./test.sh). The two attempts at the end each wait the 6 s for a first frame.
        await RunFfmpegAsync(TimeSpan.FromSeconds(30), "-re", "-i", scene.Scene, "-t", "10", "-c", "copy", "-f", "mpegts", target);
        // Frames came, then none for 4 s: reported, and reconnected after 0.5 s.
        await watch.WaitForErrorAsync(l => l.Contains("the stream stalled; reconnecting in 0.5 s (attempt 1)", StringComparison.Ordinal), TimeSpan.FromSeconds(15));
        Assert.Contains(watch.Errors, l => l.Line.Contains("no frame for 4 s (after ", StringComparison.Ordinal) && !l.Line.Contains("(after 0 frames)", StringComparison.Ordinal));
        // It comes back: frames flow again (the stream restarts from its beginning, so it is sent twice).
        var again = RunFfmpegAsync(TimeSpan.FromSeconds(30), "-re", "-i", scene.Scene, "-t", "10", "-c", "copy", "-f", "mpegts", target);
        await watch.WaitForErrorAsync(l => l.StartsWith("watch: frames flowing again after ", StringComparison.Ordinal), TimeSpan.FromSeconds(15));
        await again;
        // Then it is gone for good: two more attempts, then the watch gives up (exit 1).
        int exit = await watch.WaitForExitAsync(TimeSpan.FromSeconds(45));
        Assert.Contains(watch.Errors, l => l.Line.Contains("no frame for 6 s (after 0 frames)", StringComparison.Ordinal));
        foreach (var (_, line) in watch.Errors)
            log.WriteLine(line);
        Assert.Equal(1, exit);
        Assert.Contains(watch.Errors, l => l.Line.Contains("giving up after 2 reconnects without a frame", StringComparison.Ordinal));
        // The backoff started over once frames flowed again: 0.5 s, then 1 s.
        var waits = watch.Errors.Select(l => l.Line).Where(l => l.Contains("; reconnecting in ", StringComparison.Ordinal)).ToArray();
        Assert.EndsWith("reconnecting in 0.5 s (attempt 1)", waits[^2]);
        Assert.EndsWith("reconnecting in 1 s (attempt 2)", waits[^1]);
        Assert.Contains(watch.Errors, l => l.Line.StartsWith("watch: gave up: ", StringComparison.Ordinal));
        Assert.False(FfmpegRunningFor(port));
    }

    [Fact]
    public async Task SigtermWhileWaitingForAStreamEndsCleanly()
    {
        int port = FreeUdpPort();
        await using var watch = WatchProcess.Start("--db", scene.Db, "watch", $"udp://127.0.0.1:{port}");
        await WaitUntilListeningAsync(port, watch);
        var clock = Stopwatch.StartNew();
        Assert.Equal(0, await watch.StopAsync());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"stopping took {clock.Elapsed}");
        Assert.Contains(watch.Errors, l => l.Line == "watch: stopped: 0 frames, 0 matched, 0 skipped for quality, 0 events, 0 reconnects");
        Assert.False(FfmpegRunningFor(port));
    }

    private sealed record Event(DateTimeOffset Time, long Frame, double StreamSeconds, string Bank, long ContentId, int Distance, int Quality);

    private static Event Parse(string line)
    {
        using var doc = JsonDocument.Parse(line);
        var r = doc.RootElement;
        Assert.Equal(["time", "frame", "stream_seconds", "bank", "content_id", "distance", "quality"], r.EnumerateObject().Select(p => p.Name));
        return new Event(DateTimeOffset.Parse(r.GetProperty("time").GetString()!, CultureInfo.InvariantCulture), r.GetProperty("frame").GetInt64(),
            r.GetProperty("stream_seconds").GetDouble(), r.GetProperty("bank").GetString()!, r.GetProperty("content_id").GetInt64(),
            r.GetProperty("distance").GetInt32(), r.GetProperty("quality").GetInt32());
    }

    private readonly record struct FrameTrace(long Frame, DateTimeOffset Received, double HashMs, double MatchMs);

    private static FrameTrace ParseTrace(string line)
    {
        var fields = line["trace: ".Length..].Split(' ').Select(f => f.Split('=')).ToDictionary(f => f[0], f => f[1]);
        return new FrameTrace(long.Parse(fields["frame"], CultureInfo.InvariantCulture),
            DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(fields["received_unix_ms"], CultureInfo.InvariantCulture)),
            double.Parse(fields["hash_ms"], CultureInfo.InvariantCulture), double.Parse(fields["match_ms"], CultureInfo.InvariantCulture));
    }

    private static FrameTrace Trace(WatchProcess process, long frame) =>
        process.Errors.Where(l => l.Line.StartsWith($"trace: frame={frame} ", StringComparison.Ordinal)).Select(l => ParseTrace(l.Line)).First();

    private static int FreeUdpPort()
    {
        using var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
    }

    /// <summary>Waits until something listens on UDP port <paramref name="port"/> (the watcher's ffmpeg), read from /proc/net/udp.</summary>
    private static async Task WaitUntilListeningAsync(int port, WatchProcess process)
    {
        // ffmpeg binds the port on any address when it reads udp://127.0.0.1:PORT.
        string suffix = $":{port:X4}";
        var clock = Stopwatch.StartNew();
        while (!new[] { "/proc/net/udp", "/proc/net/udp6" }.Where(File.Exists).SelectMany(File.ReadLines)
            .Any(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, var address, ..] && address.EndsWith(suffix, StringComparison.Ordinal)))
        {
            if (process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(30))
                throw new Xunit.Sdk.XunitException($"vigil watch's ffmpeg is not listening on UDP port {port}: {string.Join('\n', process.Errors.Select(l => l.Line))}");
            await Task.Delay(20);
        }
    }

    /// <summary>Whether an ffmpeg reading udp://127.0.0.1:PORT is still running (from /proc; nothing is killed).</summary>
    private static bool FfmpegRunningFor(int port)
    {
        string needle = $"udp://127.0.0.1:{port}";
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                string cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmdline.StartsWith("ffmpeg ", StringComparison.Ordinal) && cmdline.Contains(needle, StringComparison.Ordinal) && !cmdline.Contains("pkt_size", StringComparison.Ordinal))
                    return true;
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return false;
    }

    private static async Task RunFfmpegAsync(TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in (string[])["-hide_banner", "-nostdin", "-v", "error", .. args])
            start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var err = p.StandardError.ReadToEndAsync();
        _ = p.StandardOutput.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("the streaming ffmpeg ran too long: " + string.Join(' ', args));
        }
        Assert.True(p.ExitCode == 0, $"streaming ffmpeg failed: {await err}");
    }

    /// <summary>Forwards UDP datagrams from its own port to the watchers' ports, noting when the first one came.</summary>
    private sealed class UdpRelay : IDisposable
    {
        private readonly UdpClient _in = new(new IPEndPoint(IPAddress.Loopback, 0));
        private readonly Socket _out = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private long _firstTicks;

        public UdpRelay(params int[] ports)
        {
            var targets = ports.Select(p => new IPEndPoint(IPAddress.Loopback, p)).ToArray();
            _loop = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    UdpReceiveResult packet;
                    try
                    {
                        packet = await _in.ReceiveAsync(_stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                    Interlocked.CompareExchange(ref _firstTicks, DateTimeOffset.UtcNow.UtcTicks, 0);
                    foreach (var target in targets)
                    {
                        try
                        {
                            _out.SendTo(packet.Buffer, target);
                        }
                        catch (SocketException)
                        {
                            // A watcher not listening: the datagram is lost, as on a network.
                        }
                    }
                }
            });
        }

        public int Port => ((IPEndPoint)_in.Client.LocalEndPoint!).Port;

        public DateTimeOffset? FirstPacketAt => Interlocked.Read(ref _firstTicks) is var t and > 0 ? new DateTimeOffset(t, TimeSpan.Zero) : null;

        public void Dispose()
        {
            _stop.Cancel();
            try
            {
                _loop.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
            }
            _in.Dispose();
            _out.Dispose();
            _stop.Dispose();
        }
    }

    /// <summary>A real <c>vigil</c> process whose output lines are timestamped as they arrive; stopped with SIGTERM.</summary>
    private sealed partial class WatchProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<(DateTimeOffset At, string Line)> _out = new(), _err = new();
        private readonly Task _pumps;

        private WatchProcess(Process process)
        {
            _process = process;
            _pumps = Task.WhenAll(Pump(process.StandardOutput, _out), Pump(process.StandardError, _err));
        }

        public IReadOnlyCollection<(DateTimeOffset At, string Line)> Output => _out;

        public IReadOnlyCollection<(DateTimeOffset At, string Line)> Errors => _err;

        public bool HasExited => _process.HasExited;

        public static WatchProcess Start(params string[] args)
        {
            string apphost = Path.Combine(AppContext.BaseDirectory, "vigil");
            var start = File.Exists(apphost) ? new ProcessStartInfo(apphost) : new ProcessStartInfo("dotnet") { ArgumentList = { "exec", Path.Combine(AppContext.BaseDirectory, "vigil.dll") } };
            start.UseShellExecute = false;
            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
            foreach (string a in args)
                start.ArgumentList.Add(a);
            return new WatchProcess(Process.Start(start)!);
        }

        private static Task Pump(StreamReader reader, ConcurrentQueue<(DateTimeOffset, string)> lines) => Task.Run(async () =>
        {
            while (await reader.ReadLineAsync() is { } line)
                lines.Enqueue((DateTimeOffset.UtcNow, line));
        });

        public async Task<(DateTimeOffset At, string Line)[]> WaitForOutputAsync(int count, TimeSpan timeout)
        {
            var clock = Stopwatch.StartNew();
            while (_out.Count < count)
            {
                if (clock.Elapsed > timeout || _process.HasExited)
                    throw new Xunit.Sdk.XunitException($"expected {count} event lines, got {_out.Count}: {string.Join('\n', _out.Select(l => l.Line))}\nstderr: {string.Join('\n', _err.Select(l => l.Line).Where(l => !l.StartsWith("trace:", StringComparison.Ordinal)))}");
                await Task.Delay(20);
            }
            return [.. _out];
        }

        public async Task WaitForErrorAsync(Func<string, bool> predicate, TimeSpan timeout)
        {
            var clock = Stopwatch.StartNew();
            while (!_err.Any(l => predicate(l.Line)))
            {
                if (clock.Elapsed > timeout || _process.HasExited)
                    throw new Xunit.Sdk.XunitException($"the expected stderr line did not come: {string.Join('\n', _err.Select(l => l.Line))}");
                await Task.Delay(20);
            }
        }

        public async Task<int> WaitForExitAsync(TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                throw new TimeoutException($"vigil watch did not exit within {timeout.TotalSeconds} s: {string.Join('\n', _err.Select(l => l.Line))}");
            }
            await _pumps.WaitAsync(TimeSpan.FromSeconds(5));
            return _process.ExitCode;
        }

        /// <summary>SIGTERM, then the exit code (killed after 15 s).</summary>
        public Task<int> StopAsync()
        {
            if (!_process.HasExited)
                _ = Kill(_process.Id, SigTerm);
            return WaitForExitAsync(TimeSpan.FromSeconds(15));
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                try
                {
                    await StopAsync();
                }
                catch (TimeoutException)
                {
                    // Killed.
                }
            }
            _process.Dispose();
        }

        private const int SigTerm = 15;

        [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
        private static partial int Kill(int pid, int signal);
    }
}
