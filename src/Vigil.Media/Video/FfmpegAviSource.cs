using System.Diagnostics;
using Vigil.Media.Video.Avi;

namespace Vigil.Media.Video;

/// <summary>
/// Decodes a video and its first audio track once, with the ffmpeg program, into an uncompressed AVI read as it comes:
/// packed BGR frames (converted as <see cref="FfmpegVideo"/> converts, so their PDQ hashes are the reference's) and
/// 16-bit PCM audio at the input's rate and channels. For a relay that must pass sound on with the pictures
/// (<c>vigil guard</c>). Standard input (<c>-</c>) is handed to ffmpeg as it is. A live input that sends nothing for
/// <see cref="VideoReadOptions.StallTimeout"/> ends with <see cref="VideoStreamStalledException"/>. Not thread-safe.
/// </summary>
public sealed class FfmpegAviSource : IAsyncDisposable
{
    private readonly string _input;
    private readonly VideoReadOptions _options;
    private readonly Process _process;
    private readonly AviReader _reader;
    private readonly Task _stderrPump;
    private readonly Queue<string> _errorLines = new();
    private readonly Lock _errorLock = new();
    private long _frames;

    private FfmpegAviSource(string input, VideoReadOptions options, Process process)
    {
        _input = input;
        _options = options;
        _process = process;
        FfmpegFrameSource.GrowPipe(process.StandardOutput.BaseStream);
        _reader = new AviReader(process.StandardOutput.BaseStream);
        _stderrPump = Task.Run(PumpStderrAsync);
    }

    /// <summary>The streams, once <see cref="StartAsync"/> has read them.</summary>
    public AviFormat Format { get; private set; } = null!;

    /// <summary>Starts ffmpeg on <paramref name="input"/> (a file, a URL ffmpeg reads, a device, or <c>-</c>) and reads the streams' header.</summary>
    /// <exception cref="VideoDecodeException">ffmpeg is missing, cannot read the input, or the input has no video.</exception>
    public static async Task<FfmpegAviSource> StartAsync(string input, VideoReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(input);
        options ??= new VideoReadOptions();
        if (input != "-")
            FfmpegVideo.CheckPlainFile(input, options.InputArguments);
        var process = FfmpegVideo.StartProcess(options.FfmpegPath ?? FfmpegVideo.FfmpegPath, BuildArguments(input, options), input);
        var source = new FfmpegAviSource(input, options, process);
        try
        {
            source.Format = await source.WithStallLimitAsync(ct => source._reader.ReadHeaderAsync(ct), cancellationToken).ConfigureAwait(false)
                ?? throw await source.EndedAsync("no video could be decoded").ConfigureAwait(false);
            return source;
        }
        catch
        {
            await source.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    internal static List<string> BuildArguments(string input, VideoReadOptions options)
    {
        var arguments = new List<string> { "-hide_banner", "-nostdin", "-nostats", "-loglevel", "level+error", "-filter_threads", "2" };
        if (options.LowLatency)
            arguments.AddRange(["-fflags", "nobuffer", "-flags", "low_delay", "-probesize", "32768", "-analyzeduration", "500000"]);
        if (input == "-")
            arguments.Remove("-nostdin");
        arguments.Add("-noautorotate");
        arguments.AddRange(options.InputArguments);
        arguments.AddRange(["-i", input == "-" ? "pipe:0" : input]);
        // A constant frame rate (the AVI's), so that frame n's sound is the samples from n/fps on. The pictures are
        // converted to RGB first, as FfmpegVideo converts them, and then reordered: swscale's direct YUV-to-BGR path
        // rounds differently, and the hashes would no longer be the reference's.
        arguments.AddRange(["-map", "0:v:0", "-map", "0:a:0?", "-sn", "-dn", "-sws_flags", FfmpegFrameSource.SwsFlags, "-vf", "format=rgb24",
            "-c:v", "rawvideo", "-pix_fmt", "bgr24", "-c:a", "pcm_s16le", "-max_interleave_delta", "0", "-flush_packets", "1", "-f", "avi", "pipe:1"]);
        return arguments;
    }

    /// <summary>The next frame or audio run (valid until the next call), or null at the end, after checking that ffmpeg succeeded.</summary>
    /// <exception cref="VideoStreamStalledException">Nothing came for the stall timeout.</exception>
    /// <exception cref="VideoDecodeException">ffmpeg failed, or sent something that is not the AVI it was asked for.</exception>
    public async ValueTask<(AviChunkKind Kind, ReadOnlyMemory<byte> Data)?> ReadAsync(CancellationToken cancellationToken = default)
    {
        var chunk = await WithStallLimitAsync(ct => _reader.ReadChunkAsync(ct), cancellationToken).ConfigureAwait(false);
        if (chunk is null)
        {
            await FinishAsync().ConfigureAwait(false);
            return null;
        }
        if (chunk.Value.Kind == AviChunkKind.Video)
            _frames++;
        return chunk;
    }

    private async ValueTask<T?> WithStallLimitAsync<T>(Func<CancellationToken, ValueTask<T>> read, CancellationToken cancellationToken)
    {
        var limit = _frames == 0 && _options.FirstFrameTimeout is { } first ? first : _options.StallTimeout;
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (limit != Timeout.InfiniteTimeSpan)
            stall.CancelAfter(limit);
        try
        {
            return await read(stall.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            FfmpegVideo.KillQuietly(_process);
            throw new VideoStreamStalledException(_input, limit, _frames);
        }
        catch (InvalidDataException e)
        {
            throw await EndedAsync(e.Message).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw await EndedAsync($"reading ffmpeg's output failed: {e.Message}").ConfigureAwait(false);
        }
    }

    /// <summary>ffmpeg's own reason when it failed, else <paramref name="what"/>.</summary>
    private async Task<VideoDecodeException> EndedAsync(string what)
    {
        await WaitForExitAsync().ConfigureAwait(false);
        if (_process.HasExited && _process.ExitCode != 0)
            return FfmpegVideo.Failure(_input, ErrorLines(), _process.ExitCode, "ffmpeg");
        return new VideoDecodeException($"{_input}: {what}");
    }

    private async Task FinishAsync()
    {
        await WaitForExitAsync().ConfigureAwait(false);
        if (!_process.HasExited)
        {
            FfmpegVideo.KillQuietly(_process);
            throw new VideoDecodeException($"{_input}: ffmpeg closed its output but did not exit");
        }
        if (_process.ExitCode != 0)
            throw FfmpegVideo.Failure(_input, ErrorLines(), _process.ExitCode, "ffmpeg");
    }

    private async Task WaitForExitAsync()
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            await _stderrPump.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
    }

    private List<string> ErrorLines()
    {
        lock (_errorLock)
            return [.. _errorLines];
    }

    private async Task PumpStderrAsync()
    {
        try
        {
            while (await _process.StandardError.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                lock (_errorLock)
                {
                    _errorLines.Enqueue(line);
                    while (_errorLines.Count > 20)
                        _errorLines.Dequeue();
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        FfmpegVideo.KillQuietly(_process);
        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
        _process.Dispose();
    }
}
