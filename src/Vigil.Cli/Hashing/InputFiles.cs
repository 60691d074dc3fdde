namespace Vigil.Cli.Hashing;

/// <summary>One input of a hashing run: a file to hash, or a path that could not be read.</summary>
internal sealed record InputFile(string Path, string? Error = null);

/// <summary>Expands command-line paths into files: files as given, directories recursed in sorted order.</summary>
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
    /// <param name="warnings">Where to say that a directory held nothing to hash.</param>
    public static List<InputFile> Expand(IEnumerable<string> paths, bool imagesOnly, TextWriter? warnings = null)
    {
        var files = new List<InputFile>();
        foreach (var path in paths)
        {
            if (File.Exists(path))
                files.Add(new InputFile(path));
            else if (Directory.Exists(path))
            {
                int before = files.Count;
                AddDirectory(path, imagesOnly, files);
                if (files.Count == before)
                    warnings?.WriteLine($"warning: {path}: no {(imagesOnly ? "image " : "")}files found");
            }
            else
                files.Add(new InputFile(path, "no such file or directory"));
        }
        return files;
    }

    private static void AddDirectory(string root, bool imagesOnly, List<InputFile> files)
    {
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = false,
            // Symbolic links to directories could loop; files are what we hash.
            AttributesToSkip = FileAttributes.ReparsePoint,
            ReturnSpecialDirectories = false,
        };
        var found = new List<string>();
        try
        {
            foreach (var file in Directory.EnumerateFiles(root, "*", options))
                if (!imagesOnly || ImageExtensions.Contains(System.IO.Path.GetExtension(file)))
                    found.Add(file);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            files.Add(new InputFile(root, e.Message));
        }
        found.Sort(StringComparer.Ordinal);
        foreach (var file in found)
            files.Add(new InputFile(file));
    }
}
