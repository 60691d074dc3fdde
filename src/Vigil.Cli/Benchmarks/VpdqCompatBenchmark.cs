using System.Diagnostics;
using System.Globalization;
using Vigil.Hashing.Pdq;
using Vigil.Hashing.Vpdq;
using Vigil.Media.Video;
using Vigil.Video;

namespace Vigil.Cli.Benchmarks;

/// <summary>
/// <c>vigil bench vpdq-compat</c>: hashes every frame of each sample video and compares frame by frame with the
/// reference's sample hashes (<c>NAME.txt</c> for <c>NAME.mp4</c>). Prints a Markdown table: frames, frames
/// compared (both qualities &gt;= 50), share within distance 30, mean and max distance, and whether the frame
/// numbers are the same. Exit 1 when a video misses the bar (same frame numbers, &gt;= 99% within 30, mean &lt;= 3).
/// </summary>
internal static class VpdqCompatBenchmark
{
    /// <summary>One video's comparison with the reference.</summary>
    internal sealed record Comparison(string Name, int Frames, int ReferenceFrames, int Compared, int Within30, double MeanDistance, int MaxDistance,
        bool SameFrameNumbers, double VideoSeconds, double WallSeconds)
    {
        public double PercentWithin30 => Compared == 0 ? 100 : 100.0 * Within30 / Compared;

        public bool MeetsBar => SameFrameNumbers && PercentWithin30 >= 99 && MeanDistance <= 3;
    }

    /// <summary>Compares hashes with reference frames: frames matched by number, only where both qualities are >= 50.</summary>
    internal static Comparison Compare(string name, IReadOnlyList<VpdqFrame> ours, IReadOnlyList<VpdqFrame> reference, double videoSeconds = double.NaN, double wallSeconds = double.NaN)
    {
        var byNumber = new Dictionary<int, VpdqFrame>(reference.Count);
        foreach (var frame in reference)
            byNumber[frame.FrameNumber] = frame;
        bool same = ours.Count == reference.Count;
        for (int i = 0; same && i < ours.Count; i++)
            same = ours[i].FrameNumber == reference[i].FrameNumber;
        int compared = 0, within = 0, max = 0;
        long sum = 0;
        foreach (var frame in ours)
        {
            if (!byNumber.TryGetValue(frame.FrameNumber, out var other) || frame.Quality < 50 || other.Quality < 50)
                continue;
            int distance = PdqHash.Distance(frame.Hash, other.Hash);
            compared++;
            sum += distance;
            if (distance <= 30)
                within++;
            if (distance > max)
                max = distance;
        }
        return new Comparison(name, ours.Count, reference.Count, compared, within, compared == 0 ? 0 : (double)sum / compared, max, same, videoSeconds, wallSeconds);
    }

    public static async Task<int> RunAsync(string videos, string hashes, int threads, TextWriter output, TextWriter log, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(videos))
        {
            log.WriteLine($"error: {videos}: no such directory (give --videos)");
            return ExitCodes.Failure;
        }
        if (!Directory.Exists(hashes))
        {
            log.WriteLine($"error: {hashes}: no such directory (give --hashes)");
            return ExitCodes.Failure;
        }
        var files = Directory.GetFiles(videos, "*.mp4");
        Array.Sort(files, StringComparer.Ordinal);
        var hasher = new VpdqHasher();
        var options = new VpdqOptions { EveryFrame = true, MaxDegreeOfParallelism = threads };
        output.WriteLine("| video | size | frames | compared (both q>=50) | within 30 | mean distance | max distance | same frame numbers | x real time |");
        output.WriteLine("|---|---|---:|---:|---:|---:|---:|---|---:|");
        int failures = 0, missed = 0;
        long allFrames = 0, allCompared = 0, allWithin = 0;
        double allSum = 0;
        foreach (string file in files)
        {
            string name = Path.GetFileNameWithoutExtension(file);
            string hashFile = Path.Combine(hashes, name + ".txt");
            if (!File.Exists(hashFile))
            {
                log.WriteLine($"warning: {name}: no {hashFile}, skipped");
                continue;
            }
            try
            {
                var reference = VpdqFormat.Parse(await File.ReadAllTextAsync(hashFile, cancellationToken).ConfigureAwait(false));
                var clock = Stopwatch.StartNew();
                var result = await hasher.HashFileAsync(file, options, cancellationToken).ConfigureAwait(false);
                clock.Stop();
                double videoSeconds = result.Frames.Count / result.Info.FramesPerSecond;
                var c = Compare(name, result.Frames, reference, videoSeconds, clock.Elapsed.TotalSeconds);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {result.Info.Width}x{result.Info.Height} | {c.Frames} | {c.Compared} | {c.PercentWithin30:F1}% | {c.MeanDistance:F2} | {c.MaxDistance} | {(c.SameFrameNumbers ? "yes" : $"no ({c.ReferenceFrames} in reference)")} | {videoSeconds / c.WallSeconds:F1} |"));
                allFrames += c.Frames;
                allCompared += c.Compared;
                allWithin += c.Within30;
                allSum += c.MeanDistance * c.Compared;
                if (!c.MeetsBar)
                    missed++;
            }
            catch (Exception e) when (e is VideoDecodeException or FormatException or IOException)
            {
                failures++;
                log.WriteLine($"error: {name}: {e.Message}");
            }
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| **all** | | {allFrames} | {allCompared} | {(allCompared == 0 ? 100 : 100.0 * allWithin / allCompared):F1}% | {(allCompared == 0 ? 0 : allSum / allCompared):F2} | | | |"));
        if (missed > 0)
            log.WriteLine($"{missed} video(s) miss the bar (same frame numbers, >= 99% within 30, mean <= 3)");
        return failures == 0 && missed == 0 ? ExitCodes.Success : ExitCodes.Failure;
    }
}
