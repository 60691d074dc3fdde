using System.Diagnostics;
using System.Globalization;
using Vigil.Media.Video;
using Vigil.Video;

namespace Vigil.Cli.Benchmarks;

/// <summary>
/// <c>vigil bench vpdq</c>: vPDQ throughput end to end (ffmpeg decode, RGB over the pipe, PDQ on all threads):
/// seconds of video hashed per second of wall time, per video, best of a few runs.
/// </summary>
internal static class VpdqSpeedBenchmark
{
    public static async Task<int> RunAsync(IReadOnlyList<string> videos, bool everyFrame, int threads, int repeat, TextWriter output, TextWriter log, CancellationToken cancellationToken)
    {
        var hasher = new VpdqHasher();
        var options = new VpdqOptions { EveryFrame = everyFrame, MaxDegreeOfParallelism = threads };
        output.WriteLine($"| video | size | fps | video seconds | frames hashed | wall seconds (best of {repeat}) | x real time | frames/s |");
        output.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|");
        int failures = 0;
        foreach (string video in videos)
        {
            try
            {
                double best = double.MaxValue;
                VpdqResult? result = null;
                for (int i = 0; i < repeat; i++)
                {
                    var clock = Stopwatch.StartNew();
                    result = await hasher.HashFileAsync(video, options, cancellationToken).ConfigureAwait(false);
                    best = Math.Min(best, clock.Elapsed.TotalSeconds);
                }
                var info = result!.Info;
                double seconds = double.IsNaN(info.DurationSeconds) ? result.Frames.Count / info.FramesPerSecond : info.DurationSeconds;
                if (everyFrame)
                    seconds = result.Frames.Count / info.FramesPerSecond;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {Path.GetFileName(video)} | {info.Width}x{info.Height} | {info.FramesPerSecond:0.##} | {seconds:F2} | {result.Frames.Count} | {best:F3} | {seconds / best:F1} | {result.Frames.Count / best:F0} |"));
            }
            catch (VideoDecodeException e)
            {
                failures++;
                log.WriteLine($"error: {e.Message}");
            }
        }
        return failures == 0 ? ExitCodes.Success : ExitCodes.Failure;
    }
}
