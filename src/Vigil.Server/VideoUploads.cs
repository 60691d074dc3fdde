using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Vigil.Media;
using Vigil.Media.Video;
using Vigil.Video;

namespace Vigil.Server;

/// <summary>
/// Hashes uploaded and fetched videos. ffmpeg needs a file it can seek in (an MP4's index is often
/// at its end), so the bytes go to a temporary file readable by this user alone, in a private
/// directory on memory-backed <c>/dev/shm</c> when that has room, and the file is deleted as soon as
/// the video is hashed. At most <see cref="ServerSettings.MaxConcurrentVideos"/> videos are decoded
/// at once; each request's wait and decoding together are bounded by <see cref="ServerSettings.VideoHashTimeout"/>.
/// The directory is named after the server's process id, so a server that was killed before it could
/// clean up has its leftovers removed by the next one to start on the machine.
/// </summary>
internal sealed class VideoUploads : IDisposable
{
    private const string UploadName = "the upload";
    private const string DirectoryPrefix = "vigil-video-";

    private readonly ServerSettings _settings;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _slots;
    private readonly Lock _directoryLock = new();
    private readonly int _threadsPerVideo;
    private string? _directory;

    public VideoUploads(ServerSettings settings, ILogger logger)
    {
        _settings = settings;
        _logger = logger;
        _slots = new SemaphoreSlim(settings.MaxConcurrentVideos, settings.MaxConcurrentVideos);
        _threadsPerVideo = Math.Max(1, Environment.ProcessorCount / settings.MaxConcurrentVideos);
    }

    /// <summary>Videos being written out and decoded now (those waiting for a free decoder not counted).</summary>
    public int InFlight => _settings.MaxConcurrentVideos - _slots.CurrentCount;

    /// <summary>
    /// A video's vPDQ (one frame a second, as the exchanges hash), or the problem: 400 empty, 415 not a
    /// video, 422 undecodable, 503 no ffmpeg, 504 too slow.
    /// </summary>
    /// <param name="bytes">The file.</param>
    /// <param name="ct">Cancels the decoding.</param>
    /// <param name="trimBorders">Also hash every frame with its borders trimmed (<see cref="VpdqResult.Trimmed"/>), for robust lookups.</param>
    /// <param name="onFrame">Given each sampled frame as it is decoded (<see cref="VpdqOptions.OnFrame"/>): a classifier's, so the video is decoded once.</param>
    public async Task<(VpdqResult? Vpdq, IResult? Error)> HashAsync(MediaBuffer bytes, CancellationToken ct, bool trimBorders = false,
        Func<Vigil.Media.Video.VideoFrame, CancellationToken, ValueTask>? onFrame = null)
    {
        if (bytes.Length == 0)
            return (null, Problems.Result(400, "empty file", "the uploaded file has no bytes"));
        // ffmpeg would read a still image as a one-frame video; an animated GIF is let through.
        var image = ImageDecoder.DetectFormat(bytes.Span[..Math.Min(bytes.Length, 64)]);
        if (image is not (ImageFormat.Unknown or ImageFormat.Gif))
            return (null, Problems.Result(415, "not a video", $"the file is a {image} image; send images in the 'photo' field"));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_settings.VideoHashTimeout);
        bool entered = false;
        string? path = null;
        try
        {
            await _slots.WaitAsync(timeout.Token);
            entered = true;
            path = Path.Combine(UploadDirectory(), Guid.NewGuid().ToString("N"));
            await WriteAsync(path, bytes, timeout.Token);
            var result = await new VpdqHasher().HashFileAsync(path, new VpdqOptions { MaxDegreeOfParallelism = _threadsPerVideo, TrimBorders = trimBorders, OnFrame = onFrame }, timeout.Token);
            if (result.Frames.Count == 0)
                return (null, Problems.Result(422, "could not decode video", "no frames could be decoded"));
            return (result, null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, Problems.Result(504, "video took too long",
                string.Create(CultureInfo.InvariantCulture,
                    $"{(entered ? "decoding" : "waiting for a free decoder")} went past this server's limit of {_settings.VideoHashTimeout.TotalSeconds:0.#} s (vigil serve --video-timeout)")));
        }
        catch (VideoDecodeException e) when (e.Kind == VideoErrorKind.ProgramMissing)
        {
            _logger.LogError("video decoding is not available: {Reason}", e.Message);
            return (null, Problems.Result(503, "video decoding is not available", "this server cannot run ffmpeg; install ffmpeg (apt-get install ffmpeg)"));
        }
        catch (VideoDecodeException e)
        {
            string why = path is null ? e.Message : e.Message.Replace(path, UploadName, StringComparison.Ordinal);
            return (null, e.Kind == VideoErrorKind.NotAVideo
                ? Problems.Result(415, "not a video", $"{why}; Vigil hashes the video formats ffmpeg reads (MP4, MOV, MKV, WebM, AVI, MPEG-TS, ...)")
                : Problems.Result(422, "could not decode video", why));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogError(e, "could not write an uploaded video of {Bytes} bytes to {Path}", bytes.Length, path ?? "its temporary directory");
            return (null, Problems.Result(503, "video decoding is not available", "the server could not store the video for decoding"));
        }
        finally
        {
            if (path is not null)
                TryDelete(path);
            if (entered)
                _slots.Release();
        }
    }

    private static async Task WriteAsync(string path, MediaBuffer bytes, CancellationToken ct)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using var file = new FileStream(path, options);
        await file.WriteAsync(bytes.Memory, ct);
    }

    /// <summary>This server's private directory, made on first use (and made again if it could not be the first time).</summary>
    private string UploadDirectory()
    {
        lock (_directoryLock)
            return _directory ??= CreateDirectory();
    }

    /// <summary>A fresh private directory: on /dev/shm when it can hold every concurrent upload at the limit, else in the temp directory.</summary>
    private string CreateDirectory()
    {
        string parent = Path.GetTempPath();
        const string shm = "/dev/shm";
        try
        {
            if (Directory.Exists(shm) && new DriveInfo(shm).AvailableFreeSpace > 2 * _settings.MaxConcurrentVideos * _settings.MaxUploadBytes)
                parent = shm;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // Not a mount we can inspect: use the temp directory.
        }
        RemoveLeftovers(parent);
        string path = Path.Combine(parent, $"{DirectoryPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}");
        if (OperatingSystem.IsWindows())
            Directory.CreateDirectory(path);
        else
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>Deletes the directories of servers that are no longer running (killed before they could clean up).</summary>
    private void RemoveLeftovers(string parent)
    {
        IEnumerable<string> directories;
        try
        {
            directories = Directory.GetDirectories(parent, DirectoryPrefix + "*");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogError(e, "could not look for old video directories in {Parent}", parent);
            return;
        }
        foreach (string directory in directories)
        {
            string name = Path.GetFileName(directory);
            int dash = name.IndexOf('-', DirectoryPrefix.Length);
            if (dash < 0 || !int.TryParse(name.AsSpan(DirectoryPrefix.Length, dash - DirectoryPrefix.Length), NumberStyles.None,
                    CultureInfo.InvariantCulture, out int pid) || IsRunning(pid))
                continue;
            try
            {
                Directory.Delete(directory, recursive: true);
                _logger.LogWarning("removed {Directory}, left behind by a server that stopped without cleaning up", directory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _logger.LogError(e, "could not remove {Directory}, left behind by another server", directory);
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    private void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogError(e, "could not delete a decoded video at {Path}", path);
        }
    }

    public void Dispose()
    {
        string? directory;
        lock (_directoryLock)
            directory = _directory;
        if (directory is not null)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _logger.LogError(e, "could not delete {Directory}", directory);
            }
        }
        _slots.Dispose();
    }
}
