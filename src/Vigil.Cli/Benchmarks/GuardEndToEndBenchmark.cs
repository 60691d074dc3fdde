using System.Diagnostics;
using System.Globalization;
using Vigil.Cli.Guarding;
using Vigil.Hashing.Pdq;
using Vigil.Video.Guard;

namespace Vigil.Cli.Benchmarks;

/// <summary>
/// <c>vigil bench guard --end-to-end</c>: the whole relay as <c>vigil guard</c> runs it, ffmpeg included: a generated
/// clip (ffmpeg's test pattern and a tone, H.264 and AAC) decoded once, checked against a list, and encoded again for
/// a UDP receiver on 127.0.0.1 (MPEG-TS, x264 ultrafast/zerolatency, as <c>vigil guard</c> writes <c>udp://</c>). The
/// clip is read at its own rate (as a camera sends it; <c>--as-fast-as-possible</c> reads it as fast as the pipeline
/// goes); CPU seconds per second of video is the number of cores the relay needs at the clip's rate, and the time from
/// a frame's arrival to the end of writing what it let leave is the relay's latency beyond the delay line. The decode
/// alone is measured beside it.
/// </summary>
internal static class GuardEndToEndBenchmark
{
    public static async Task<int> RunAsync(int width, int height, double fps, double checksPerSecond, int seconds, int listSize, bool realTime, TextWriter output, TextWriter error, CancellationToken ct)
    {
        string dir = Directory.CreateTempSubdirectory("vigil-bench-guard-").FullName;
        try
        {
            string clip = Path.Combine(dir, "clip.mp4");
            error.WriteLine($"making a {seconds} s {width}x{height} clip at {fps} frames/s...");
            string rate = fps.ToString(CultureInfo.InvariantCulture);
            Ffmpeg("-f", "lavfi", "-i", $"testsrc2=size={width}x{height}:rate={rate}:duration={seconds}", "-f", "lavfi", "-i", $"sine=frequency=440:sample_rate=48000:duration={seconds}",
                "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-g", rate, "-c:a", "aac", "-y", clip);

            var children = ChildCpuSeconds();
            var decodeClock = Stopwatch.StartNew();
            Ffmpeg("-i", clip, "-map", "0:v", "-map", "0:a", "-sws_flags", "area+accurate_rnd", "-vf", "format=rgb24", "-c:v", "rawvideo", "-pix_fmt", "bgr24", "-c:a", "pcm_s16le", "-f", "avi", "-y", "/dev/null");
            decodeClock.Stop();
            double decodeCpu = ChildCpuSeconds() - children;

            var list = GuardBenchmark.RandomList(listSize);
            int port;
            using (var probe = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0)))
                port = ((System.Net.IPEndPoint)probe.Client.LocalEndPoint!).Port;
            // A receiver that reads and drops what arrives, so the socket never refuses.
            using var receiver = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port));
            using var stopReceiving = new CancellationTokenSource();
            var receiving = Task.Run(async () =>
            {
                try
                {
                    while (true)
                        await receiver.ReceiveAsync(stopReceiving.Token);
                }
                catch (OperationCanceledException)
                {
                }
            });

            var events = new GuardEvents(TextWriter.Null, error, clip, []);
            var steps = new List<double>();
            var relay = new GuardRelay(new GuardChecks(new PdqListCheck(list), classifier: null), events,
                new GuardSettings(TimeSpan.FromMilliseconds(500), checksPerSecond, BlockMode.Blank, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), realTime ? ["-re"] : null), steps.Add);
            children = ChildCpuSeconds();
            var ownBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var summary = await relay.RunAsync(clip, $"udp://127.0.0.1:{port}?pkt_size=1316", ct);
            clock.Stop();
            double own = (Process.GetCurrentProcess().TotalProcessorTime - ownBefore).TotalSeconds;
            double ffmpegCpu = ChildCpuSeconds() - children;
            stopReceiving.Cancel();
            await receiving;

            double media = summary.Frames / fps;
            // The first second apart: the encoder starting and the code's first runs.
            var settled = steps.Skip((int)fps).Order().ToList();
            double Quantile(double q) => settled.Count == 0 ? 0 : settled[Math.Min(settled.Count - 1, (int)(q * settled.Count))];
            var inv = CultureInfo.InvariantCulture;
            output.WriteLine("| clip | frames | wall time | cores at the clip's rate: all (vigil, both ffmpegs) | decode alone | relay step beyond the delay line after the first second: median, p99, max (first second's max) |");
            output.WriteLine("|---|---|---|---|---|---|");
            output.WriteLine(string.Create(inv,
                $"| {width}x{height} {fps:0.##}/s, {checksPerSecond} checks/s, {listSize:N0} hashes, with sound, {(realTime ? "real time" : "as fast as possible")} | {summary.Frames:N0} | {clock.Elapsed.TotalSeconds:F1} s ({media / clock.Elapsed.TotalSeconds:F1}x real time) | {(own + ffmpegCpu) / media:F2} ({own / media:F2}, {ffmpegCpu / media:F2}) | {decodeCpu / media:F2} | {Quantile(0.5):F1}, {Quantile(0.99):F1}, {(settled.Count > 0 ? settled[^1] : 0):F1} ms ({steps.Take((int)fps).DefaultIfEmpty().Max():F0} ms) |"));
            return summary.Frames > 0 ? ExitCodes.Success : ExitCodes.Failure;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>CPU seconds of this process's finished (reaped) children: user and system, from /proc/self/stat.</summary>
    private static double ChildCpuSeconds()
    {
        string stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After the command name: state is field 3; cutime and cstime are fields 16 and 17 (clock ticks, 100 a second).
        return (long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture)) / 100.0;
    }

    private static void Ffmpeg(params string[] arguments)
    {
        var start = new ProcessStartInfo(Vigil.Media.Video.FfmpegVideo.FfmpegPath) { RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in (string[])["-hide_banner", "-nostdin", "-v", "error", .. arguments])
            start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("ffmpeg did not start");
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"ffmpeg failed: {errors.Trim()}");
    }
}
