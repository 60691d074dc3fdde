using System.Diagnostics;

namespace Vigil.Media.Tests.Support;

/// <summary>Optional command-line tools used to generate or cross-check test images.</summary>
internal static class Tools
{
    private static readonly Lazy<string?> s_convert = new(() => FindImageMagick());

    /// <summary>ImageMagick's convert, or null when the real one is not installed.</summary>
    public static string? Convert => s_convert.Value;

    /// <summary>libjpeg-turbo's djpeg (package libjpeg-turbo-progs), or null.</summary>
    public static string? Djpeg => File.Exists("/usr/bin/djpeg") ? "/usr/bin/djpeg" : null;

    private static string? FindImageMagick()
    {
        foreach (var candidate in new[] { "/usr/bin/convert", "/usr/local/bin/magick", "/usr/bin/magick" })
        {
            if (!File.Exists(candidate))
            {
                continue;
            }

            try
            {
                var (code, stdout, _) = Run(candidate, ["-version"]);
                if (code == 0 && System.Text.Encoding.UTF8.GetString(stdout).Contains("ImageMagick", StringComparison.Ordinal))
                {
                    return candidate;
                }
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or TimeoutException)
            {
            }
        }

        return null;
    }

    /// <summary>Runs a tool (60 s limit) and returns its exit code, stdout bytes and stderr text.</summary>
    public static (int Code, byte[] Stdout, string Stderr) Run(string tool, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start " + tool);
        var stderr = p.StandardError.ReadToEndAsync();
        using var ms = new MemoryStream();
        var copy = p.StandardOutput.BaseStream.CopyToAsync(ms);
        if (!p.WaitForExit(60_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} did not finish in 60 s");
        }

        copy.Wait();
        return (p.ExitCode, ms.ToArray(), stderr.Result);
    }

    /// <summary>Runs ImageMagick's convert with the given arguments and fails the test if it fails.</summary>
    public static void RunConvert(params string[] args)
    {
        var (code, _, stderr) = Run(Convert ?? throw new InvalidOperationException("ImageMagick is not installed"), args);
        if (code != 0)
        {
            throw new InvalidOperationException($"convert {string.Join(' ', args)} failed ({code}): {stderr}");
        }
    }
}

/// <summary>A fact that is reported as skipped, with the reason, when an optional tool is not installed.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class ToolFactAttribute : FactAttribute
{
    public ToolFactAttribute(string tool)
    {
        Skip = MissingReason(tool);
    }

    internal static string? MissingReason(string tool) => tool switch
    {
        "djpeg" => Tools.Djpeg is null ? "djpeg is not installed (apt-get install libjpeg-turbo-progs)" : null,
        "convert" => Tools.Convert is null ? "ImageMagick's convert is not installed (apt-get install imagemagick)" : null,
        _ => $"unknown tool {tool}",
    };
}

/// <summary>A theory that is reported as skipped, with the reason, when an optional tool is not installed.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class ToolTheoryAttribute : TheoryAttribute
{
    public ToolTheoryAttribute(string tool)
    {
        Skip = ToolFactAttribute.MissingReason(tool);
    }
}
