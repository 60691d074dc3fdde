using System.Text.Json;
using Vigil.Cli.Hashing;
using Vigil.Cli.Interaction;
using Vigil.Hashing.Signals;
using Vigil.Media.Video;
using Vigil.Storage;
using Vigil.Video;

namespace Vigil.Cli.Banks;

/// <summary>A video file hashed for a bank or a match: its vPDQ (one frame per second) and MD5, or why it failed.</summary>
/// <param name="Path">The file.</param>
/// <param name="Result">Its vPDQ, or null when it failed.</param>
/// <param name="Md5">Its MD5 in lowercase hex, or null when it failed.</param>
/// <param name="Error">Why it failed, or null.</param>
internal sealed record HashedVideo(string Path, VpdqResult? Result, string? Md5, string? Error);

/// <summary>
/// Telling video files from images (by extension, then by the container's magic bytes), and turning
/// videos into bank content: a <c>vpdq</c> signal (one frame per second, as the exchanges hash) and
/// a <c>video_md5</c>.
/// </summary>
internal static class VideoFiles
{
    /// <summary>Extensions taken as video (from directories, too).</summary>
    public static readonly HashSet<string> Extensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".mp4", ".m4v", ".mov", ".qt", ".mkv", ".webm", ".avi", ".ts", ".mts", ".m2ts", ".mpg", ".mpeg",
        ".wmv", ".asf", ".flv", ".3gp", ".3g2", ".ogv", ".vob", ".y4m",
    };

    /// <summary>True when the file is a video: a video extension, or (with no known image or video extension) a video container's magic bytes.</summary>
    public static bool IsVideo(string path)
    {
        string extension = Path.GetExtension(path);
        if (Extensions.Contains(extension))
            return true;
        if (InputFiles.ImageExtensions.Contains(extension))
            return false;
        return SniffVideo(path);
    }

    /// <summary>
    /// Splits command-line paths into images and videos: files named are routed by <see cref="IsVideo"/>;
    /// directories give their image files (as before) and their video files (by extension), each in sorted order.
    /// </summary>
    public static (List<InputFile> Images, List<string> Videos) Partition(IEnumerable<string> paths, TextWriter error)
    {
        var images = new List<InputFile>();
        var videos = new List<string>();
        foreach (string path in paths)
        {
            var found = Directory.Exists(path) ? InDirectory(path) : [];
            // A directory holding only videos is not worth the "no image files" warning.
            foreach (var input in InputFiles.Expand([path], imagesOnly: true, warnings: found.Count > 0 ? null : error))
            {
                if (input.Error is null && File.Exists(input.Path) && !Directory.Exists(path) && IsVideo(input.Path))
                    videos.Add(input.Path);
                else
                    images.Add(input);
            }
            videos.AddRange(found);
        }
        return (images, videos);
    }

    /// <summary>
    /// Hashes a video: vPDQ at one frame per second (the exchanges' setting) and MD5; with <paramref name="trimBorders"/>
    /// also every frame with its borders trimmed (<see cref="VpdqResult.Trimmed"/>, for <c>--robust</c>). Never throws for bad input.
    /// </summary>
    public static async Task<HashedVideo> HashAsync(string path, CancellationToken ct, bool trimBorders = false)
    {
        try
        {
            var result = await new VpdqHasher().HashFileAsync(path, new VpdqOptions { TrimBorders = trimBorders }, ct);
            if (result.Frames.Count == 0)
                return new HashedVideo(path, null, null, "no frames could be decoded");
            string md5 = await FileHasher.Md5HexAsync(path, ct);
            return new HashedVideo(path, result, md5, null);
        }
        catch (VideoDecodeException e)
        {
            return new HashedVideo(path, null, null, Strip(path, e.Message));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new HashedVideo(path, null, null, e.Message);
        }
    }

    /// <summary>Hashes videos for a bank; failures are reported on <paramref name="error"/> and counted.</summary>
    public static async Task<List<ImportItem>> HashForBankAsync(IReadOnlyList<string> videos, string? classification, string? note, TextWriter error,
        CommandProgress? progress, CancellationToken ct)
    {
        var items = new List<ImportItem>();
        foreach (string path in videos)
        {
            var video = await HashAsync(path, ct);
            // The live line is erased before this video's messages and drawn again after them.
            progress?.Clear();
            if (ToItem(video, classification, note, error) is { } item)
                items.Add(item);
            progress?.Advance();
        }
        return items;
    }

    private static ImportItem? ToItem(HashedVideo video, string? classification, string? note, TextWriter error)
    {
        if (video.Result is null)
        {
            error.WriteLine($"error: {video.Path}: {video.Error}");
            return null;
        }
        var frames = video.Result.Frames;
        if (VpdqSignal.MatchableHashes(frames).Length == 0)
            error.WriteLine($"warning: {video.Path}: no frame has PDQ quality {VpdqSignal.MinimumQuality} or more; it cannot be matched by its frames (only by its MD5)");
        string metadata = JsonSerializer.Serialize(video.Result.Describe(Path.GetFileName(video.Path)));
        return ImportItem.Add(new NewContent([VpdqSignal.Create(frames), new Signal(SignalType.VideoMd5, video.Md5!)])
        {
            Metadata = metadata,
            Note = note,
            Classification = classification,
            Source = "vigil bank add",
        });
    }

    // Links are followed as for images; loops and unreadable entries are reported by InputFiles.Expand's walk of the same tree.
    private static List<string> InDirectory(string directory)
    {
        var files = new List<string>();
        foreach (var found in LinkFollowingWalk.Files(directory, static file => Extensions.Contains(Path.GetExtension(file)), warnings: null))
        {
            if (found.Error is null)
                files.Add(found.Path);
        }
        return files;
    }

    // ISO BMFF (mp4/mov: "ftyp" at 4, but not the HEIF/AVIF image brands), Matroska/WebM (EBML),
    // AVI (RIFF....AVI ), MPEG-TS (0x47 every 188 bytes), MPEG-PS (00 00 01 BA), FLV, Ogg.
    private static bool SniffVideo(string path)
    {
        Span<byte> head = stackalloc byte[377];
        int read;
        try
        {
            using var file = File.OpenRead(path);
            read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        head = head[..read];
        if (head.Length >= 12 && head[4..8].SequenceEqual("ftyp"u8))
        {
            var brand = head[8..12];
            return !(brand.SequenceEqual("heic"u8) || brand.SequenceEqual("heix"u8) || brand.SequenceEqual("mif1"u8)
                     || brand.SequenceEqual("msf1"u8) || brand.SequenceEqual("avif"u8) || brand.SequenceEqual("avis"u8)
                     || brand.SequenceEqual("hevc"u8) || brand.SequenceEqual("heim"u8) || brand.SequenceEqual("heis"u8));
        }
        if (head.Length >= 4 && head[..4].SequenceEqual((ReadOnlySpan<byte>)[0x1A, 0x45, 0xDF, 0xA3]))
            return true;
        if (head.Length >= 12 && head[..4].SequenceEqual("RIFF"u8) && head[8..12].SequenceEqual("AVI "u8))
            return true;
        if (head.Length >= 377 && head[0] == 0x47 && head[188] == 0x47 && head[376] == 0x47)
            return true;
        if (head.Length >= 4 && head[..4].SequenceEqual((ReadOnlySpan<byte>)[0x00, 0x00, 0x01, 0xBA]))
            return true;
        if (head.Length >= 3 && head[..3].SequenceEqual("FLV"u8))
            return true;
        return false;
    }

    // ffmpeg's messages start with the input's name; the CLI prints it already.
    private static string Strip(string path, string message) =>
        message.StartsWith(path + ": ", StringComparison.Ordinal) ? message[(path.Length + 2)..] : message;
}
