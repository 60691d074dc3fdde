using System.Diagnostics;

namespace Vigil.Testing;

/// <summary>Runs the ffmpeg program to make benign test videos (test patterns, edits of fixtures).</summary>
internal static class FfmpegTool
{
    /// <summary>Runs ffmpeg with <paramref name="args"/> (quiet, overwriting), failing the test if it fails or takes over 60 s.</summary>
    public static void Run(params string[] args)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in (string[])["-hide_banner", "-nostdin", "-v", "error", "-y", .. args])
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("ffmpeg took over 60 s: " + string.Join(' ', args));
        }
        Assert.True(process.ExitCode == 0, $"ffmpeg {string.Join(' ', args)} failed: {errors.Result}");
    }
}
