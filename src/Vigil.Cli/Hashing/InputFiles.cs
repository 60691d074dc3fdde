namespace Vigil.Cli.Hashing;

/// <summary>One input of a hashing run: a file to hash, or a path that could not be read.</summary>
internal sealed record InputFile(string Path, string? Error = null);

/// <summary>
/// Expands command-line paths into files: files as given, directories recursed in sorted order with
/// symbolic links followed (<see cref="LinkFollowingWalk"/>).
/// </summary>
internal static class InputFiles
{
    /// <summary>Extensions taken from directories when hashing images (files named explicitly are always taken).</summary>
    public static readonly HashSet<string> ImageExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".gif", ".webp", ".bmp", ".dib", ".tif", ".tiff",
        ".heic", ".heif", ".avif",
    };

    /// <param name="paths">Files and directories, in the order given.</param>
    /// <param name="imagesOnly">Take only image extensions from directories.</param>
    /// <param name="warnings">Where to say that a directory held nothing to hash, or a link loops.</param>
    public static List<InputFile> Expand(IEnumerable<string> paths, bool imagesOnly, TextWriter? warnings = null) =>
        Expand(paths, imagesOnly ? IsImage : static _ => true, imagesOnly ? "image " : "", warnings);

    /// <summary>As <see cref="Expand(IEnumerable{string}, bool, TextWriter?)"/>, taking from directories the files <paramref name="take"/> accepts (<paramref name="kind"/> names them in the warning).</summary>
    public static List<InputFile> Expand(IEnumerable<string> paths, Func<string, bool> take, string kind, TextWriter? warnings)
    {
        var files = new List<InputFile>();
        foreach (var path in paths)
        {
            if (File.Exists(path))
                files.Add(new InputFile(path));
            else if (Directory.Exists(path))
            {
                int before = files.Count;
                foreach (var found in LinkFollowingWalk.Files(path, take, warnings))
                    files.Add(new InputFile(found.Path, found.Error));
                if (files.Count == before)
                    warnings?.WriteLine($"warning: {path}: no {kind}files found");
            }
            else
                files.Add(new InputFile(path, "no such file or directory"));
        }
        return files;
    }

    /// <summary>Whether the path has an image extension.</summary>
    public static bool IsImage(string path) => ImageExtensions.Contains(System.IO.Path.GetExtension(path));
}
