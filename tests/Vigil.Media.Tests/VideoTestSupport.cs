using System.Diagnostics;
using Vigil.Testing;

namespace Vigil.Media.Tests;

/// <summary>Benign generated test videos (ffmpeg's testsrc pattern and a sine tone) and process checks.</summary>
internal static class VideoTestSupport
{
    /// <summary>Runs ffmpeg with <paramref name="arguments"/>, failing the test if it fails.</summary>
    public static void Ffmpeg(params string[] arguments) => FfmpegTool.Run(arguments);

    /// <summary>A testsrc video: <paramref name="seconds"/> at <paramref name="fps"/>, MPEG-4 in MP4.</summary>
    public static string TestSource(string path, int fps = 10, double seconds = 2, int width = 64, int height = 48)
    {
        Ffmpeg("-f", "lavfi", "-i", $"testsrc=size={width}x{height}:rate={fps}:duration={seconds}", "-c:v", "mpeg4", "-q:v", "3", "-pix_fmt", "yuv420p", path);
        return path;
    }

    /// <summary>True while some process has <paramref name="marker"/> in its command line.</summary>
    public static bool ProcessWithArgumentRuns(string marker)
    {
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                string cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
                if (cmdline.Contains(marker, StringComparison.Ordinal) && !cmdline.Contains("dotnet", StringComparison.Ordinal))
                    return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
        return false;
    }

    /// <summary>Waits up to 5 s for no process to carry <paramref name="marker"/>.</summary>
    public static bool ProcessGone(string marker)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            if (!ProcessWithArgumentRuns(marker))
                return true;
            Thread.Sleep(50);
        }
        return false;
    }
}
