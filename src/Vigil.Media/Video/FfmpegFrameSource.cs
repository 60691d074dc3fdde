using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Vigil.Media.Video;

/// <summary>
/// One running ffmpeg and the PPM frames on its standard output. Not thread-safe: one reader at a time.
/// </summary>
internal sealed partial class FfmpegFrameSource : IAsyncDisposable
{
    private const int ReadBufferSize = 1 << 16;

    /// <summary>Largest frame accepted: 8K UHD is 100 MB of RGB; anything over 512 MB is refused.</summary>
    private const long MaxFrameBytes = 512L << 20;

    /// <summary>
    /// swscale's flags for the conversion to RGB24: the area filter, as the reference's <c>SWS_AREA</c>, plus
    /// <c>accurate_rnd</c>, which keeps swscale off its x86 SIMD YUV-to-RGB fast path. That path rounds
    /// differently; with it the sample videos are a mean 0.3 to 5.4 bits from the reference's hashes, without
    /// it under 0.1 (see docs/video.md).
    /// </summary>
    internal const string SwsFlags = "area+accurate_rnd";

    private readonly string _input;
    private readonly VideoReadOptions _options;
    private readonly Process _process;
    private readonly Stream _stdout;
    private readonly Task _stderrPump;
    private readonly CancellationTokenSource _stall = new();
    private readonly CancellationTokenRegistration _stallKill;
    private readonly TaskCompletionSource<double> _logFrameRate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _logLock = new();
    private readonly Queue<string> _errorLines = new();
    private readonly byte[] _readBuffer = new byte[ReadBufferSize];
    private int _readPos, _readLen;
    private byte[]? _frame;
    private double _fps;
    private readonly int _ffmpegStep;
    private int _skipStep;
    private long _decodedIndex;
    private long _framesOut;
    private bool _finished;

    /// <summary>Copies the caller's stream into ffmpeg's standard input, when the video comes from one.</summary>
    private readonly Task? _stdinPump;
    private readonly CancellationTokenSource? _stdinStop;

    /// <summary>The name a video read from a stream goes by in messages.</summary>
    internal const string StreamInputName = "(stream)";

    private FfmpegFrameSource(string input, VideoReadOptions options, double fps, Process process, int ffmpegStep, Stream? standardInput = null)
    {
        _input = input;
        _options = options;
        _process = process;
        _fps = fps;
        _ffmpegStep = ffmpegStep;
        _skipStep = 1;
        if (options.SecondsPerFrame is double s && ffmpegStep == 1 && !double.IsNaN(fps))
            _skipStep = FfmpegVideo.FrameStep(s, fps);
        _stdout = process.StandardOutput.BaseStream;
        GrowPipe(_stdout);
        _stallKill = _stall.Token.Register(static state => FfmpegVideo.KillQuietly((Process)state!), process);
        _stderrPump = Task.Run(PumpStderrAsync);
        if (standardInput is not null)
        {
            _stdinStop = new CancellationTokenSource();
            var stdin = process.StandardInput.BaseStream;
            GrowPipe(stdin);
            _stdinPump = Task.Run(() => PumpStdinAsync(standardInput, stdin, _stdinStop.Token));
        }
    }

    /// <summary>
    /// Writes <paramref name="source"/> to ffmpeg's standard input and closes it at the end, so ffmpeg sees the end
    /// of the video. ffmpeg closing its end first (it stopped, failed or was killed) ends the copy quietly: the
    /// reader learns why from ffmpeg's exit.
    /// </summary>
    private static async Task PumpStdinAsync(Stream source, Stream stdin, CancellationToken cancellationToken)
    {
        try
        {
            await source.CopyToAsync(stdin, ReadBufferSize, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            try
            {
                await stdin.DisposeAsync().ConfigureAwait(false);
            }
            catch (IOException)
            {
                // the pipe is already broken
            }
        }
    }

    /// <summary>
    /// Asks Linux for a 1 MB pipe (the default 64 KB makes ffmpeg block 16 times per SD frame); best effort,
    /// ignored where it is not supported.
    /// </summary>
    internal static void GrowPipe(Stream stream)
    {
        if (!OperatingSystem.IsLinux())
            return;
        try
        {
            nint fd = stream switch
            {
                System.IO.Pipes.PipeStream pipe => pipe.SafePipeHandle.DangerousGetHandle(),
                FileStream file => file.SafeFileHandle.DangerousGetHandle(),
                _ => -1,
            };
            if (fd >= 0)
                _ = Fcntl((int)fd, FSetPipeSize, 1 << 20);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or ObjectDisposedException)
        {
        }
    }

    private const int FSetPipeSize = 1031;

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "fcntl")]
    private static partial int Fcntl(int fd, int command, int argument);

    /// <summary>Frames yielded so far.</summary>
    public long FramesRead => _framesOut;

    public static FfmpegFrameSource Start(string input, VideoReadOptions options, double fps)
    {
        int ffmpegStep = 1;
        if (options.SecondsPerFrame is double s && !double.IsNaN(fps))
            ffmpegStep = FfmpegVideo.FrameStep(s, fps);
        var arguments = BuildArguments(input, options, ffmpegStep);
        var process = FfmpegVideo.StartProcess(options.FfmpegPath ?? FfmpegVideo.FfmpegPath, arguments, input);
        return new FfmpegFrameSource(input, options, fps, process, ffmpegStep);
    }

    /// <summary>Starts ffmpeg on a video read from <paramref name="standardInput"/>, fed to it through its standard input.</summary>
    public static FfmpegFrameSource Start(Stream standardInput, VideoReadOptions options, double fps)
    {
        int ffmpegStep = 1;
        if (options.SecondsPerFrame is double s && !double.IsNaN(fps))
            ffmpegStep = FfmpegVideo.FrameStep(s, fps);
        var arguments = BuildArguments("-", options, ffmpegStep);
        var process = FfmpegVideo.StartProcess(options.FfmpegPath ?? FfmpegVideo.FfmpegPath, arguments, StreamInputName, redirectStandardInput: true);
        return new FfmpegFrameSource(StreamInputName, options, fps, process, ffmpegStep, standardInput);
    }

    internal static List<string> BuildArguments(string input, VideoReadOptions options, int ffmpegStep)
    {
        // Two filter threads: the RGB conversion (accurate rounding, as the reference's hashes need)
        // costs as much as decoding, and on its own it is the pipeline's longest step.
        var arguments = new List<string> { "-hide_banner", "-nostdin", "-nostats", "-loglevel", "level+info", "-filter_threads", "2" };
        if (options.LowLatency)
            arguments.AddRange(["-fflags", "nobuffer", "-flags", "low_delay", "-probesize", "32768", "-analyzeduration", "500000"]);
        // The reference decodes with libav directly, which does not apply rotation metadata.
        arguments.Add("-noautorotate");
        arguments.AddRange(options.InputArguments);
        arguments.AddRange(["-i", input == "-" ? "pipe:0" : input]);
        arguments.AddRange(["-map", "0:v:0", "-an", "-sn", "-dn", "-fps_mode", "passthrough", "-sws_flags", SwsFlags]);
        if (ffmpegStep > 1)
            arguments.AddRange(["-vf", string.Create(CultureInfo.InvariantCulture, $"select=not(mod(n\\,{ffmpegStep}))")]);
        arguments.AddRange(["-f", "image2pipe", "-c:v", "ppm", "-pix_fmt", "rgb24", "pipe:1"]);
        return arguments;
    }

    /// <summary>The next frame, or null at the end of the stream (after checking that ffmpeg succeeded).</summary>
    public async ValueTask<VideoFrame?> NextAsync(CancellationToken cancellationToken)
    {
        if (_finished)
            return null;
        using var cancelKill = cancellationToken.Register(static state => FfmpegVideo.KillQuietly((Process)state!), _process);
        while (true)
        {
            var limit = CurrentStallLimit;
            if (limit != Timeout.InfiniteTimeSpan)
                _stall.CancelAfter(limit);
            int width, height;
            try
            {
                (width, height) = await ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
                if (width == 0)
                {
                    _stall.CancelAfter(Timeout.InfiniteTimeSpan);
                    ThrowIfStoppedByUs(cancellationToken);
                    await FinishAsync().ConfigureAwait(false);
                    return null;
                }
                int length = checked(width * height * 3);
                if (_frame is null || _frame.Length < length)
                {
                    if (_frame is not null)
                        ArrayPool<byte>.Shared.Return(_frame);
                    _frame = null;
                    _frame = ArrayPool<byte>.Shared.Rent(length);
                }
                if (!await ReadExactlyAsync(_frame.AsMemory(0, length), cancellationToken).ConfigureAwait(false))
                {
                    ThrowIfStoppedByUs(cancellationToken);
                    await FinishAsync().ConfigureAwait(false);
                    throw new VideoDecodeException($"{_input}: ffmpeg's output ended inside a frame");
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && _stall.IsCancellationRequested)
            {
                throw Stalled();
            }
            catch (IOException e)
            {
                ThrowIfStoppedByUs(cancellationToken);
                throw new VideoDecodeException($"{_input}: reading ffmpeg's output failed: {e.Message}", e);
            }
            ThrowIfStoppedByUs(cancellationToken);

            long index = _decodedIndex++;
            if (double.IsNaN(_fps) && index == 0)
                await LearnFrameRateAsync().ConfigureAwait(false);
            long frameNumber = index * _ffmpegStep;
            if (_skipStep > 1 && frameNumber % _skipStep != 0)
                continue;
            _framesOut++;
            return new VideoFrame(frameNumber, _fps, width, height, _frame.AsMemory(0, width * height * 3));
        }
    }

    private void ThrowIfStoppedByUs(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_stall.IsCancellationRequested)
            throw Stalled();
    }

    private VideoStreamStalledException Stalled()
    {
        _finished = true;
        FfmpegVideo.KillQuietly(_process);
        return new VideoStreamStalledException(_input, CurrentStallLimit, _framesOut);
    }

    /// <summary>The wait allowed for the next frame: the first one may take <see cref="VideoReadOptions.FirstFrameTimeout"/>.</summary>
    private TimeSpan CurrentStallLimit => _framesOut == 0 && _options.FirstFrameTimeout is { } first ? first : _options.StallTimeout;

    /// <summary>Without a rate from the caller or ffprobe, takes the one ffmpeg reported for the input stream.</summary>
    private async Task LearnFrameRateAsync()
    {
        double fps = double.NaN;
        try
        {
            fps = await _logFrameRate.Task.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
        _fps = fps;
        if (_options.SecondsPerFrame is double s)
        {
            if (double.IsNaN(fps))
                throw new VideoDecodeException($"{_input}: the frame rate is not known; set FramesPerSecond to sample one frame every {s} s");
            _skipStep = FfmpegVideo.FrameStep(s, fps);
        }
    }

    /// <summary>Reads one PPM header; (0, 0) at a clean end of stream.</summary>
    private async ValueTask<(int Width, int Height)> ReadHeaderAsync(CancellationToken cancellationToken)
    {
        int first = await ReadByteAsync(cancellationToken).ConfigureAwait(false);
        if (first < 0)
            return (0, 0);
        int second = await ReadByteAsync(cancellationToken).ConfigureAwait(false);
        if (first != 'P' || second != '6')
            throw new VideoDecodeException($"{_input}: unexpected data from ffmpeg (not a PPM frame)");
        int width = await ReadHeaderNumberAsync(cancellationToken).ConfigureAwait(false);
        int height = await ReadHeaderNumberAsync(cancellationToken).ConfigureAwait(false);
        int maxValue = await ReadHeaderNumberAsync(cancellationToken).ConfigureAwait(false);
        if (maxValue != 255)
            throw new VideoDecodeException($"{_input}: ffmpeg sent {maxValue}-valued samples, expected 8-bit RGB");
        if (width <= 0 || height <= 0 || (long)width * height * 3 > MaxFrameBytes)
            throw new VideoDecodeException($"{_input}: unsupported frame size {width}x{height}");
        return (width, height);
    }

    /// <summary>A decimal number after whitespace (and # comments), consuming the one whitespace byte after it.</summary>
    private async ValueTask<int> ReadHeaderNumberAsync(CancellationToken cancellationToken)
    {
        int b;
        while (true)
        {
            b = await ReadByteAsync(cancellationToken).ConfigureAwait(false);
            if (b == '#')
            {
                while (b >= 0 && b != '\n')
                    b = await ReadByteAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }
            if (b is ' ' or '\n' or '\r' or '\t')
                continue;
            break;
        }
        long value = 0;
        int digits = 0;
        while (b is >= '0' and <= '9')
        {
            value = value * 10 + (b - '0');
            if (++digits > 9)
                throw new VideoDecodeException($"{_input}: bad PPM header from ffmpeg");
            b = await ReadByteAsync(cancellationToken).ConfigureAwait(false);
        }
        if (digits == 0 || b is not (' ' or '\n' or '\r' or '\t'))
            throw new VideoDecodeException(b < 0 ? $"{_input}: ffmpeg's output ended inside a frame header" : $"{_input}: bad PPM header from ffmpeg");
        return (int)value;
    }

    private ValueTask<int> ReadByteAsync(CancellationToken cancellationToken)
    {
        if (_readPos < _readLen)
            return ValueTask.FromResult<int>(_readBuffer[_readPos++]);
        return FillAndReadByteAsync(cancellationToken);
    }

    private async ValueTask<int> FillAndReadByteAsync(CancellationToken cancellationToken)
    {
        _readPos = 0;
        _readLen = await _stdout.ReadAsync(_readBuffer, cancellationToken).ConfigureAwait(false);
        if (_readLen <= 0)
        {
            _readLen = 0;
            return -1;
        }
        return _readBuffer[_readPos++];
    }

    /// <summary>Fills <paramref name="destination"/>; false when the stream ends first.</summary>
    private async ValueTask<bool> ReadExactlyAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        int buffered = Math.Min(_readLen - _readPos, destination.Length);
        if (buffered > 0)
        {
            _readBuffer.AsSpan(_readPos, buffered).CopyTo(destination.Span);
            _readPos += buffered;
            destination = destination[buffered..];
        }
        while (destination.Length > 0)
        {
            int read = await _stdout.ReadAsync(destination, cancellationToken).ConfigureAwait(false);
            if (read <= 0)
                return false;
            destination = destination[read..];
        }
        return true;
    }

    /// <summary>At the end of ffmpeg's output: waits for it to exit and turns a failure into a clear exception.</summary>
    private async Task FinishAsync()
    {
        _finished = true;
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            try
            {
                await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                FfmpegVideo.KillQuietly(_process);
                throw new VideoDecodeException($"{_input}: ffmpeg closed its output but did not exit");
            }
        }
        await WaitForStderrAsync().ConfigureAwait(false);
        if (_stall.IsCancellationRequested)
            throw Stalled();
        int exitCode = _process.ExitCode;
        if (exitCode != 0)
            throw FfmpegVideo.Failure(_input, ErrorLines(), exitCode, "ffmpeg");
        if (_decodedIndex == 0)
        {
            var lines = ErrorLines();
            throw new VideoDecodeException(lines.Count > 0
                ? $"{_input}: no frames could be decoded ({FfmpegVideo.StripPrefixes(lines[^1])})"
                : $"{_input}: no frames could be decoded");
        }
    }

    private async Task WaitForStderrAsync()
    {
        try
        {
            await _stderrPump.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
    }

    private List<string> ErrorLines()
    {
        lock (_logLock)
            return [.. _errorLines];
    }

    private async Task PumpStderrAsync()
    {
        bool inInput = false, rateKnown = false;
        try
        {
            var reader = _process.StandardError;
            while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                if (!rateKnown)
                {
                    if (line.Contains("Input #0", StringComparison.Ordinal))
                        inInput = true;
                    else if (line.Contains("Output #0", StringComparison.Ordinal) || line.Contains("Stream mapping", StringComparison.Ordinal))
                    {
                        rateKnown = true;
                        _logFrameRate.TrySetResult(double.NaN);
                    }
                    else if (inInput && StreamRate(line) is double rate)
                    {
                        rateKnown = true;
                        _logFrameRate.TrySetResult(rate);
                    }
                }
                if (line.Contains("[error]", StringComparison.Ordinal) || line.Contains("[fatal]", StringComparison.Ordinal)
                    || line.Contains("[panic]", StringComparison.Ordinal) || line.Contains("misdetection possible", StringComparison.Ordinal))
                {
                    lock (_logLock)
                    {
                        _errorLines.Enqueue(line);
                        while (_errorLines.Count > 20)
                            _errorLines.Dequeue();
                    }
                }
            }
        }
        catch (IOException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            _logFrameRate.TrySetResult(double.NaN);
        }
    }

    /// <summary>The frame rate in an input's video stream line (its fps, else its tbr); null for other lines.</summary>
    internal static double? StreamRate(string line)
    {
        if (!line.Contains("Stream #", StringComparison.Ordinal) || !line.Contains(": Video:", StringComparison.Ordinal))
            return null;
        var match = FpsPattern().Match(line);
        if (!match.Success)
            match = TbrPattern().Match(line);
        if (!match.Success || !double.TryParse(match.Groups[1].ValueSpan, NumberStyles.Float, CultureInfo.InvariantCulture, out double rate))
            return double.NaN;
        if (match.Groups[2].ValueSpan is "k")
            rate *= 1000;
        return rate > 0 ? rate : double.NaN;
    }

    [GeneratedRegex(@"[ ,](\d+(?:\.\d+)?)(k?) fps\b")]
    private static partial Regex FpsPattern();

    [GeneratedRegex(@"[ ,](\d+(?:\.\d+)?)(k?) tbr\b")]
    private static partial Regex TbrPattern();

    public async ValueTask DisposeAsync()
    {
        _finished = true;
        FfmpegVideo.KillQuietly(_process);
        await _stallKill.DisposeAsync().ConfigureAwait(false);
        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
        await WaitForStderrAsync().ConfigureAwait(false);
        if (_stdinPump is not null)
        {
            _stdinStop!.Cancel();
            try
            {
                await _stdinPump.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
            _stdinStop.Dispose();
        }
        _stall.Dispose();
        _process.Dispose();
        if (_frame is not null)
        {
            ArrayPool<byte>.Shared.Return(_frame);
            _frame = null;
        }
    }
}
