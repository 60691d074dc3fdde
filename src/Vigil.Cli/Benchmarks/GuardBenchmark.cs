using System.Diagnostics;
using System.Globalization;
using Vigil.Hashing.Pdq;
using Vigil.Video.Guard;

namespace Vigil.Cli.Benchmarks;

/// <summary>
/// <c>vigil bench guard</c>: the guard's own cost on decoded frames (ffmpeg's decode and encode are apart and extra): per
/// frame through the delay line, per check (PDQ of the frame and the list), the share of one core at the stream's rate,
/// and the latency added beyond the delay line (the slowest check: a frame waits for the check that covers it).
/// </summary>
internal static class GuardBenchmark
{
    /// <summary>A device's list of <paramref name="size"/> random PDQ hashes (the same for a given size).</summary>
    internal static List<PdqHash> RandomList(int size)
    {
        var random = new Random(1);
        var list = new List<PdqHash>(size);
        var bytes = new byte[32];
        for (int i = 0; i < size; i++)
        {
            random.NextBytes(bytes);
            list.Add(PdqHash.Parse(Convert.ToHexStringLower(bytes)));
        }
        return list;
    }

    public static int Run(int width, int height, double fps, double checksPerSecond, int frames, int listSize, TextWriter output)
    {
        var random = new Random(1);
        var list = RandomList(listSize);
        // Distinct benign frames (gradients with noise), made before timing.
        var pictures = new byte[8][];
        for (int p = 0; p < pictures.Length; p++)
        {
            var rgb = new byte[3 * width * height];
            for (int y = 0, o = 0; y < height; y++)
                for (int x = 0; x < width; x++, o += 3)
                {
                    rgb[o] = (byte)(x * 255 / width + p * 30);
                    rgb[o + 1] = (byte)(y * 255 / height);
                    rgb[o + 2] = (byte)random.Next(256);
                }
            pictures[p] = rgb;
        }
        var check = new TimedCheck(new PdqListCheck(list));
        int checkEvery = Math.Max(1, (int)Math.Round(fps / checksPerSecond));
        var guard = new FrameGuard(check, new GuardOptions { CheckEvery = checkEvery, DelayFrames = Math.Max(checkEvery, (int)Math.Round(fps / 2)) });
        for (int i = 0; i < 60; i++)
            guard.Push(pictures[i % pictures.Length], width, height); // warm-up
        check.Reset();
        long cpuBefore = Process.GetCurrentProcess().TotalProcessorTime.Ticks;
        var clock = Stopwatch.StartNew();
        long released = 0;
        for (int i = 0; i < frames; i++)
            released += guard.Push(pictures[i % pictures.Length], width, height).Count;
        clock.Stop();
        double cpuSeconds = TimeSpan.FromTicks(Process.GetCurrentProcess().TotalProcessorTime.Ticks - cpuBefore).TotalSeconds;
        double msPerFrame = clock.Elapsed.TotalMilliseconds / frames;
        double coreShare = cpuSeconds / (frames / fps);
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine("| frame | rate | checks/s | list | frames | ms per frame (all in) | ms per check (mean, max) | one core's share at the rate | latency beyond the delay line |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|");
        output.WriteLine(string.Create(inv,
            $"| {width}x{height} | {fps:0.##} | {fps / checkEvery:0.#} | {listSize:N0} | {frames:N0} | {msPerFrame:F2} | {check.MeanMs:F2}, {check.MaxMs:F2} | {coreShare:P0} | {check.MaxMs:F1} ms |"));
        return released > 0 ? ExitCodes.Success : ExitCodes.Failure;
    }

    private sealed class TimedCheck(IFrameCheck inner) : IFrameCheck
    {
        private long _ticks, _max;
        private int _count;

        public double MeanMs => _count == 0 ? 0 : TimeSpan.FromTicks(_ticks / _count).TotalMilliseconds;

        public double MaxMs => TimeSpan.FromTicks(_max).TotalMilliseconds;

        public void Reset() => (_ticks, _max, _count) = (0, 0, 0);

        public bool IsHit(ReadOnlySpan<byte> rgb, int width, int height)
        {
            long start = Stopwatch.GetTimestamp();
            bool hit = inner.IsHit(rgb, width, height);
            long elapsed = Stopwatch.GetElapsedTime(start).Ticks;
            _ticks += elapsed;
            _max = Math.Max(_max, elapsed);
            _count++;
            return hit;
        }
    }
}
