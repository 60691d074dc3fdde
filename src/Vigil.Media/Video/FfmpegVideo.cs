using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Vigil.Media.Video;

/// <summary>
/// Reads video through the <c>ffmpeg</c> and <c>ffprobe</c> programs (run as child processes, so no GPL code is
/// linked into Vigil). Frames come out of ffmpeg as PPM images over a pipe (8-bit RGB, one header per frame, so
/// the size is read from the stream itself and live inputs need no separate probe), converted from the
/// decoder's pixel format by swscale with the area filter at the frame's own resolution, as the vPDQ reference
/// does. Every frame the decoder produces is passed through (no frame-rate conversion), so frame numbers are
/// the decoder's.
/// </summary>
public static class FfmpegVideo
{
    /// <summary>The ffmpeg program: <c>$VIGIL_FFMPEG</c> if set, else <c>ffmpeg</c> from the PATH.</summary>
    public static string FfmpegPath { get; set; } = Environment.GetEnvironmentVariable("VIGIL_FFMPEG") is { Length: > 0 } p ? p : "ffmpeg";

    /// <summary>The ffprobe program: <c>$VIGIL_FFPROBE</c> if set, else <c>ffprobe</c> from the PATH.</summary>
    public static string FfprobePath { get; set; } = Environment.GetEnvironmentVariable("VIGIL_FFPROBE") is { Length: > 0 } p ? p : "ffprobe";

    /// <summary>How long <see cref="ProbeAsync(string, CancellationToken)"/> waits for ffprobe.</summary>
    public static TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Size, frame rate and duration of <paramref name="input"/>'s first video stream, from ffprobe. The frame
    /// rate is the stream's average rate, or its real base rate when there is no average (as the vPDQ reference
    /// takes it). Throws <see cref="VideoDecodeException"/> for a missing file, something that is not a video, a
    /// file without a video stream, or ffprobe missing or not answering within <see cref="ProbeTimeout"/>.
    /// </summary>
    public static Task<VideoInfo> ProbeAsync(string input, CancellationToken cancellationToken) =>
        ProbeAsync(input, FfprobePath, cancellationToken);

    /// <summary>As <see cref="ProbeAsync(string, CancellationToken)"/>, with the ffprobe program to run.</summary>
    public static async Task<VideoInfo> ProbeAsync(string input, string ffprobePath, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(input);
        ArgumentException.ThrowIfNullOrEmpty(ffprobePath);
        CheckPlainFile(input, []);
        string[] arguments =
        [
            "-hide_banner", "-v", "warning", "-select_streams", "v:0",
            "-show_entries", "stream=codec_type,width,height,avg_frame_rate,r_frame_rate,duration:format=duration",
            "-of", "json", input,
        ];
        using var process = StartProcess(ffprobePath, arguments, input);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        using var kill = timeout.Token.Register(() => KillQuietly(process));
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        string json, errors;
        try
        {
            json = await stdout.ConfigureAwait(false);
            errors = await stderr.ConfigureAwait(false);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            KillQuietly(process);
        }
        cancellationToken.ThrowIfCancellationRequested();
        if (timeout.IsCancellationRequested)
            throw new VideoDecodeException($"{input}: ffprobe gave no answer within {ProbeTimeout.TotalSeconds:0.#} s");
        if (process.ExitCode != 0)
            throw Failure(input, SplitLines(errors), process.ExitCode, "ffprobe");
        return ParseProbe(input, json);
    }

    /// <summary>
    /// Decodes <paramref name="input"/> and yields its frames as 8-bit RGB (see <see cref="VideoFrame"/>: each
    /// frame's pixels are valid only until the next one is read). <paramref name="input"/> is a file path,
    /// <c>-</c> for this process's standard input, or any URL ffmpeg reads (<c>udp://</c>, <c>rtmp://</c>,
    /// <c>http(s)://</c>, ...).
    /// </summary>
    /// <remarks>
    /// For a file the frame rate comes from ffprobe first (exact); for other inputs from ffmpeg's own report
    /// of the input stream, unless <see cref="VideoReadOptions.FramesPerSecond"/> says. Errors are
    /// <see cref="VideoDecodeException"/> (not a video, no video stream, truncated, ffmpeg missing or failing)
    /// and <see cref="VideoStreamStalledException"/> (no frame for <see cref="VideoReadOptions.StallTimeout"/>);
    /// cancelling throws <see cref="OperationCanceledException"/>. ffmpeg is killed whenever the enumeration
    /// ends early, fails or is cancelled.
    /// </remarks>
    public static IAsyncEnumerable<VideoFrame> ReadFramesAsync(string input, VideoReadOptions options, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(input);
        ValidateOptions(options);
        return ReadCoreAsync(input, options, cancellationToken);
    }

    private static void ValidateOptions(VideoReadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.SecondsPerFrame is double s && !(s > 0 && double.IsFinite(s)))
            throw new ArgumentOutOfRangeException(nameof(options), "SecondsPerFrame must be a positive number of seconds");
        if (options.FramesPerSecond is double f && !(f > 0 && double.IsFinite(f)))
            throw new ArgumentOutOfRangeException(nameof(options), "FramesPerSecond must be positive");
        if (options.StallTimeout <= TimeSpan.Zero && options.StallTimeout != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(options), "StallTimeout must be positive (or infinite)");
        if (options.FirstFrameTimeout is { } first && first <= TimeSpan.Zero && first != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(options), "FirstFrameTimeout must be positive (or infinite)");
        ArgumentNullException.ThrowIfNull(options.InputArguments);
    }

    /// <summary>
    /// As <see cref="ReadFramesAsync(string, VideoReadOptions, CancellationToken)"/>, for a video read from
    /// <paramref name="input"/> (a <see cref="MemoryStream"/> over bytes in memory, a network body, ...): its bytes
    /// are written to ffmpeg's standard input as ffmpeg reads them, so nothing is written to disk on the way.
    /// Errors name the input <c>(stream)</c>.
    /// </summary>
    /// <remarks>
    /// A pipe cannot seek: an MP4 whose index (<c>moov</c>) comes after its media data (<c>mdat</c>) reads only
    /// when the two are close enough for ffmpeg's buffer (small files); otherwise ffmpeg fails and so does this
    /// (<see cref="VideoDecodeException"/>). MP4s written for streaming ("faststart"), WebM, MPEG-TS and most other
    /// containers read in full. The frame rate is ffmpeg's report of the input stream unless
    /// <see cref="VideoReadOptions.FramesPerSecond"/> says. <paramref name="input"/> is read from its current
    /// position to its end and is not disposed.
    /// </remarks>
    public static IAsyncEnumerable<VideoFrame> ReadFramesFromStreamAsync(Stream input, VideoReadOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!input.CanRead)
            throw new ArgumentException("the stream is not readable", nameof(input));
        ValidateOptions(options);
        return ReadStreamCoreAsync(input, options, cancellationToken);
    }

    /// <summary>
    /// As <see cref="ReadFramesFromStreamAsync"/>, for a whole video held in memory, which is fed to ffmpeg's standard
    /// input without being copied or written to disk. An MP4 or QuickTime file whose index (<c>moov</c>) follows its
    /// media data, as cameras and phones often write them, is fed index first (the index is patched for its new
    /// place, the media bytes are not copied), so it reads in full although a pipe cannot seek.
    /// </summary>
    /// <remarks><paramref name="video"/> must not change while the frames are read.</remarks>
    public static IAsyncEnumerable<VideoFrame> ReadFramesFromMemoryAsync(ReadOnlyMemory<byte> video, VideoReadOptions options, CancellationToken cancellationToken)
    {
        ValidateOptions(options);
        var pieces = Mp4StreamingOrder.Rearrange(video) ?? [video];
        return ReadStreamCoreAsync(new MemoryPiecesStream(pieces), options, cancellationToken);
    }

    /// <summary>
    /// The frame step the vPDQ reference samples with for one frame every <paramref name="secondsPerFrame"/>
    /// seconds: <c>(int)(seconds * fps)</c>, at least 1.
    /// </summary>
    public static int FrameStep(double secondsPerFrame, double framesPerSecond)
    {
        double step = secondsPerFrame * framesPerSecond;
        if (!(step >= 1))
            return 1;
        return step >= int.MaxValue ? int.MaxValue : (int)step;
    }

    private static async IAsyncEnumerable<VideoFrame> ReadCoreAsync(string input, VideoReadOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        double fps = options.FramesPerSecond ?? double.NaN;
        if (CheckPlainFile(input, options.InputArguments) && double.IsNaN(fps))
            fps = (await ProbeAsync(input, cancellationToken).ConfigureAwait(false)).FramesPerSecond;
        await using var source = FfmpegFrameSource.Start(input, options, fps);
        while (await source.NextAsync(cancellationToken).ConfigureAwait(false) is { } frame)
            yield return frame;
    }

    private static async IAsyncEnumerable<VideoFrame> ReadStreamCoreAsync(Stream input, VideoReadOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await using var source = FfmpegFrameSource.Start(input, options, options.FramesPerSecond ?? double.NaN);
        while (await source.NextAsync(cancellationToken).ConfigureAwait(false) is { } frame)
            yield return frame;
    }

    /// <summary>
    /// True when <paramref name="input"/> is taken as a file path (and probed with ffprobe before reading);
    /// false for <c>-</c>, <c>pipe:</c>, URLs (<c>scheme://</c>) and inputs given a format with <c>-f</c> in
    /// <paramref name="inputArguments"/>.
    /// </summary>
    public static bool IsFileInput(string input, IReadOnlyList<string> inputArguments)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(inputArguments);
        if (input == "-" || input.Contains("://", StringComparison.Ordinal) || input.StartsWith("pipe:", StringComparison.Ordinal))
            return false;
        for (int i = 0; i < inputArguments.Count; i++)
            if (inputArguments[i] == "-f")
                return false;
        return true;
    }

    /// <summary>True when <paramref name="input"/> is a path to read (checked to exist); false for stdin, URLs and inputs with a forced format.</summary>
    internal static bool CheckPlainFile(string input, IReadOnlyList<string> inputArguments)
    {
        if (!IsFileInput(input, inputArguments))
            return false;
        if (Directory.Exists(input))
            throw new VideoDecodeException($"{input}: is a directory, not a video");
        if (!File.Exists(input))
            throw new VideoDecodeException($"{input}: no such file");
        return true;
    }

    internal static Process StartProcess(string program, IReadOnlyList<string> arguments, string input, bool redirectStandardInput = false)
    {
        var start = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectStandardInput,
            CreateNoWindow = true,
        };
        for (int i = 0; i < arguments.Count; i++)
            start.ArgumentList.Add(arguments[i]);
        try
        {
            return Process.Start(start) ?? throw new VideoDecodeException($"{input}: could not start {program}");
        }
        catch (Win32Exception e)
        {
            throw new VideoDecodeException($"{input}: cannot run '{program}' ({e.Message}); install ffmpeg (apt-get install ffmpeg) or set VIGIL_FFMPEG/VIGIL_FFPROBE",
                VideoErrorKind.ProgramMissing, e);
        }
    }

    internal static void KillQuietly(Process process)
    {
        try
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // not started or already gone
        }
        catch (Win32Exception)
        {
            // exited between the check and the kill
        }
    }

    private static List<string> SplitLines(string text)
    {
        var lines = new List<string>();
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            var trimmed = line.Trim();
            if (!trimmed.IsEmpty)
                lines.Add(trimmed.ToString());
        }
        return lines;
    }

    /// <summary>A clear reason from ffmpeg's or ffprobe's error lines (known causes named plainly).</summary>
    /// <summary>The exception for <paramref name="program"/> exiting with <paramref name="exitCode"/>: a specific reason read from its error lines, and its kind.</summary>
    internal static VideoDecodeException Failure(string input, IReadOnlyList<string> errorLines, int exitCode, string program)
    {
        var (kind, reason) = Describe(errorLines, exitCode, program);
        return new VideoDecodeException($"{input}: {reason}", kind);
    }

    private static (VideoErrorKind Kind, string Reason) Describe(IReadOnlyList<string> errorLines, int exitCode, string program)
    {
        string all = string.Join('\n', errorLines);
        if (Has(all, "matches no streams") || Has(all, "does not contain any stream") || Has(all, "Output file #0 does not contain any stream"))
            return (VideoErrorKind.NotAVideo, "no video stream");
        if (Has(all, "misdetection possible") || Has(all, "detected only with low score"))
            return (VideoErrorKind.NotAVideo, "not a video ffmpeg can read (no known container format)");
        if (Has(all, "moov atom not found"))
            return (VideoErrorKind.Other, "truncated or incomplete video (moov atom not found)");
        if (Has(all, "No such file or directory"))
            return (VideoErrorKind.Other, "no such file");
        if (Has(all, "Invalid data found when processing input"))
            return (VideoErrorKind.NotAVideo, "not a video ffmpeg can read (invalid data found when processing input)");
        if (Has(all, "Permission denied"))
            return (VideoErrorKind.Other, "permission denied");
        if (Has(all, "Connection refused"))
            return (VideoErrorKind.Other, "connection refused");
        string last = errorLines.Count > 0 ? StripPrefixes(errorLines[^1]) : "no error message";
        return (VideoErrorKind.Other, $"{program} failed (exit code {exitCode}): {last}");
    }

    private static bool Has(string text, string what) => text.Contains(what, StringComparison.OrdinalIgnoreCase);

    /// <summary>Removes ffmpeg's <c>[component @ 0x..]</c> and <c>[level]</c> prefixes from a log line.</summary>
    internal static string StripPrefixes(string line)
    {
        var span = line.AsSpan().Trim();
        while (span.Length > 0 && span[0] == '[')
        {
            int close = span.IndexOf(']');
            if (close < 0)
                break;
            span = span[(close + 1)..].TrimStart();
        }
        return span.ToString();
    }

    private static VideoInfo ParseProbe(string input, string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (!root.TryGetProperty("streams", out var streams) || streams.GetArrayLength() == 0)
                throw new VideoDecodeException($"{input}: no video stream", VideoErrorKind.NotAVideo);
            var stream = streams[0];
            int width = stream.TryGetProperty("width", out var w) ? w.GetInt32() : 0;
            int height = stream.TryGetProperty("height", out var h) ? h.GetInt32() : 0;
            if (width <= 0 || height <= 0)
                throw new VideoDecodeException($"{input}: the video stream has no frame size");
            double fps = ParseRate(stream, "avg_frame_rate");
            if (!(fps > 0))
                fps = ParseRate(stream, "r_frame_rate");
            if (!(fps > 0))
                throw new VideoDecodeException($"{input}: the video stream has no frame rate");
            double duration = ParseSeconds(stream, "duration");
            if (double.IsNaN(duration) && root.TryGetProperty("format", out var format))
                duration = ParseSeconds(format, "duration");
            return new VideoInfo(width, height, fps, duration);
        }
        catch (JsonException e)
        {
            throw new VideoDecodeException($"{input}: ffprobe's answer could not be read ({e.Message})", e);
        }
    }

    private static double ParseRate(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.GetString() is not { } text)
            return double.NaN;
        return ParseRate(text);
    }

    /// <summary>Parses <c>num/den</c> or a plain number; NaN when it is neither or the denominator is 0.</summary>
    internal static double ParseRate(ReadOnlySpan<char> text)
    {
        int slash = text.IndexOf('/');
        if (slash < 0)
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double plain) ? plain : double.NaN;
        if (!double.TryParse(text[..slash], NumberStyles.Float, CultureInfo.InvariantCulture, out double num)
            || !double.TryParse(text[(slash + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double den)
            || den == 0)
            return double.NaN;
        return num / den;
    }

    private static double ParseSeconds(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.GetString() is not { } text)
            return double.NaN;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds >= 0 ? seconds : double.NaN;
    }
}
