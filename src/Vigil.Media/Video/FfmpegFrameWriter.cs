using System.Diagnostics;
using System.Globalization;

namespace Vigil.Media.Video;

/// <summary>
/// Encodes 8-bit RGB frames with the ffmpeg program: raw frames into its standard input, the output where
/// <c>Output</c> says (a file, whose extension picks the container; <c>udp://</c> or <c>rtmp://</c> as MPEG-TS or FLV;
/// <c>-</c> for this process's standard output as MPEG-TS; a <c>/dev/video*</c> loopback device as raw video; a
/// <c>.nut</c> file as lossless RGB, the frames exactly as written).
/// Dispose (or <see cref="CompleteAsync"/>) closes the input and waits for ffmpeg to finish the file.
/// </summary>
public sealed class FfmpegFrameWriter : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Stream _input;
    private readonly Task<string> _errors;
    private readonly int _frameBytes;
    private bool _completed;

    private FfmpegFrameWriter(Process process, int frameBytes)
    {
        _process = process;
        _input = process.StandardInput.BaseStream;
        _errors = process.StandardError.ReadToEndAsync();
        _frameBytes = frameBytes;
    }

    /// <summary>Starts ffmpeg writing <paramref name="output"/> from frames of <paramref name="width"/> x <paramref name="height"/> at <paramref name="framesPerSecond"/>.</summary>
    /// <exception cref="VideoDecodeException">ffmpeg could not be started.</exception>
    public static FfmpegFrameWriter Start(string output, int width, int height, double framesPerSecond)
    {
        ArgumentException.ThrowIfNullOrEmpty(output);
        var start = new ProcessStartInfo(FfmpegVideo.FfmpegPath)
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            RedirectStandardOutput = false,
            UseShellExecute = false,
        };
        string rate = framesPerSecond.ToString("0.###", CultureInfo.InvariantCulture);
        foreach (string a in (string[])["-hide_banner", "-nostdin", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24",
                     "-s", $"{width}x{height}", "-r", rate, "-i", "-", .. OutputArguments(output)])
            start.ArgumentList.Add(a);
        try
        {
            return new FfmpegFrameWriter(Process.Start(start) ?? throw new VideoDecodeException("ffmpeg did not start"), 3 * width * height);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new VideoDecodeException($"ffmpeg could not be started ({FfmpegVideo.FfmpegPath}): {e.Message}; install it (Debian: apt-get install ffmpeg)", e);
        }
    }

    private static string[] OutputArguments(string output)
    {
        if (output == "-")
            return ["-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p", "-f", "mpegts", "pipe:1"];
        if (output.StartsWith("udp://", StringComparison.OrdinalIgnoreCase))
            return ["-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p", "-f", "mpegts", output];
        if (output.StartsWith("rtmp://", StringComparison.OrdinalIgnoreCase))
            return ["-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p", "-f", "flv", output];
        if (output.StartsWith("/dev/video", StringComparison.Ordinal))
            return ["-pix_fmt", "yuv420p", "-f", "v4l2", output];
        return Path.GetExtension(output).ToLowerInvariant() switch
        {
            ".y4m" => ["-pix_fmt", "yuv444p", output],
            // Lossless RGB: the frames that leave are exactly the frames that were checked (tests compare them bit for bit).
            ".nut" => ["-c:v", "ffv1", "-pix_fmt", "gbrp", output],
            _ => ["-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p", output],
        };
    }

    /// <summary>Writes one frame (exactly width x height x 3 bytes).</summary>
    /// <exception cref="VideoDecodeException">ffmpeg stopped taking frames (its message says why).</exception>
    public async Task WriteAsync(ReadOnlyMemory<byte> rgb, CancellationToken cancellationToken = default)
    {
        if (rgb.Length != _frameBytes)
            throw new ArgumentException($"a frame is {_frameBytes} bytes, not {rgb.Length}", nameof(rgb));
        try
        {
            await _input.WriteAsync(rgb, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new VideoDecodeException($"ffmpeg stopped taking frames: {await ErrorsAsync().ConfigureAwait(false)}", e);
        }
    }

    /// <summary>Closes ffmpeg's input and waits for it to finish the output.</summary>
    /// <exception cref="VideoDecodeException">ffmpeg failed.</exception>
    public async Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        if (_completed)
            return;
        _completed = true;
        try
        {
            await _input.FlushAsync(cancellationToken).ConfigureAwait(false);
            _input.Close();
        }
        catch (IOException)
        {
            // ffmpeg already gone: its exit code and message say why.
        }
        await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (_process.ExitCode != 0)
            throw new VideoDecodeException($"ffmpeg failed writing the output (exit {_process.ExitCode}): {await ErrorsAsync().ConfigureAwait(false)}");
    }

    private async Task<string> ErrorsAsync()
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
            return (await _errors.ConfigureAwait(false)).Trim();
        }
        catch (InvalidOperationException)
        {
            return "";
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await CompleteAsync().ConfigureAwait(false);
        }
        catch (VideoDecodeException)
        {
            // Disposing after a failure: the failure was reported where it happened.
        }
        finally
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
            _process.Dispose();
        }
    }
}
