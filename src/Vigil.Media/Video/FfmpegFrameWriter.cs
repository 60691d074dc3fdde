using System.Diagnostics;
using Vigil.Media.Video.Avi;

namespace Vigil.Media.Video;

/// <summary>
/// Encodes packed BGR frames, and PCM audio with them, with the ffmpeg program: an uncompressed AVI into its standard
/// input (<see cref="AviWriter"/>), the output where <c>Output</c> says (a file, whose extension picks the container;
/// <c>udp://</c> or <c>rtmp://</c> as MPEG-TS or FLV; <c>-</c> for this process's standard output as MPEG-TS; a
/// <c>/dev/video*</c> loopback device as raw video, without sound; a <c>.nut</c> file lossless, the frames and samples
/// exactly as written). Sound is AAC except in <c>.nut</c> (PCM).
/// Dispose (or <see cref="CompleteAsync"/>) closes the input and waits for ffmpeg to finish the file.
/// </summary>
public sealed class FfmpegFrameWriter : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Stream _input;
    private readonly Task<string> _errors;
    private readonly AviWriter _avi;
    private bool _completed;

    private FfmpegFrameWriter(Process process, AviFormat format)
    {
        _process = process;
        _input = process.StandardInput.BaseStream;
        FfmpegFrameSource.GrowPipe(_input);
        _errors = process.StandardError.ReadToEndAsync();
        _avi = new AviWriter(_input, format);
    }

    /// <summary>Starts ffmpeg writing <paramref name="output"/> from the streams <paramref name="format"/> describes (as <see cref="FfmpegAviSource"/> read them).</summary>
    /// <exception cref="VideoDecodeException">ffmpeg could not be started.</exception>
    public static FfmpegFrameWriter Start(string output, AviFormat format)
    {
        ArgumentNullException.ThrowIfNull(format);
        ArgumentException.ThrowIfNullOrEmpty(output);
        var start = new ProcessStartInfo(FfmpegVideo.FfmpegPath)
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            RedirectStandardOutput = false,
            UseShellExecute = false,
        };
        // The input's streams are in its header: nothing to probe, so the first frame goes straight through.
        foreach (string a in (string[])["-hide_banner", "-nostdin", "-v", "error", "-y", "-fpsprobesize", "0", "-probesize", "32", "-analyzeduration", "1",
                     "-f", "avi", "-i", "pipe:0", .. OutputArguments(output)])
            start.ArgumentList.Add(a);
        try
        {
            return new FfmpegFrameWriter(Process.Start(start) ?? throw new VideoDecodeException("ffmpeg did not start"), format);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new VideoDecodeException($"ffmpeg could not be started ({FfmpegVideo.FfmpegPath}): {e.Message}; install it (Debian: apt-get install ffmpeg)", e);
        }
    }

    private static string[] OutputArguments(string output)
    {
        const string Live = "-c:v libx264 -preset ultrafast -tune zerolatency -pix_fmt yuv420p -c:a aac";
        if (output == "-")
            return [.. Live.Split(' '), "-f", "mpegts", "pipe:1"];
        if (output.StartsWith("udp://", StringComparison.OrdinalIgnoreCase))
            return [.. Live.Split(' '), "-f", "mpegts", output];
        if (output.StartsWith("rtmp://", StringComparison.OrdinalIgnoreCase))
            return [.. Live.Split(' '), "-f", "flv", output];
        if (output.StartsWith("/dev/video", StringComparison.Ordinal))
            return ["-an", "-pix_fmt", "yuv420p", "-f", "v4l2", output];
        return Path.GetExtension(output).ToLowerInvariant() switch
        {
            ".y4m" => ["-an", "-pix_fmt", "yuv444p", output],
            // Lossless: the frames and samples that leave are exactly those that were checked (tests compare them bit for bit).
            ".nut" => ["-c:v", "ffv1", "-pix_fmt", "gbrp", "-c:a", "pcm_s16le", output],
            _ => ["-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p", "-c:a", "aac", output],
        };
    }

    /// <summary>Writes the streams' header now, before the first frame (a receiver learns the streams at once).</summary>
    /// <exception cref="VideoDecodeException">ffmpeg stopped taking input (its message says why).</exception>
    public Task StartAsync(CancellationToken cancellationToken = default) => SendAsync(static (avi, _, ct) => avi.StartAsync(ct), default, cancellationToken);

    /// <summary>Writes one frame (exactly width x height x 3 bytes of packed BGR).</summary>
    /// <exception cref="VideoDecodeException">ffmpeg stopped taking frames (its message says why).</exception>
    public Task WriteAsync(ReadOnlyMemory<byte> bgr, CancellationToken cancellationToken = default) =>
        SendAsync(static (avi, data, ct) => avi.WriteVideoAsync(data, ct), bgr, cancellationToken);

    /// <summary>Writes a run of PCM samples (whole sample frames), to be heard from where the last run ended.</summary>
    /// <exception cref="VideoDecodeException">ffmpeg stopped taking input (its message says why).</exception>
    public Task WriteAudioAsync(ReadOnlyMemory<byte> pcm, CancellationToken cancellationToken = default) =>
        SendAsync(static (avi, data, ct) => avi.WriteAudioAsync(data, ct), pcm, cancellationToken);

    private async Task SendAsync(Func<AviWriter, ReadOnlyMemory<byte>, CancellationToken, ValueTask> write, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        try
        {
            await write(_avi, data, cancellationToken).ConfigureAwait(false);
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
