using System.Runtime.InteropServices;

namespace Vigil.Cli.Hashing;

/// <summary>
/// The files under a directory as <c>find -L</c> sees them: symbolic links to files and directories
/// are followed, a link back to a directory being walked is a loop (reported, not followed), and a
/// real file reached by several paths is taken once, under the first of its paths in ordinal order.
/// </summary>
internal static partial class LinkFollowingWalk
{
    /// <summary>One file found under the root, or a path that could not be read.</summary>
    public readonly record struct Found(string Path, string? Error = null);

    /// <param name="root">The directory to walk (itself possibly a link).</param>
    /// <param name="take">Which file paths to keep.</param>
    /// <param name="warnings">Where loops are reported.</param>
    public static List<Found> Files(string root, Func<string, bool> take, TextWriter? warnings)
    {
        var candidates = new List<(string Path, string Real)>();
        var errors = new List<Found>();
        var walking = new HashSet<string>(StringComparer.Ordinal);
        var walked = new HashSet<string>(StringComparer.Ordinal);
        Walk(root, RealPath(root) ?? Path.GetFullPath(root), take, warnings, candidates, errors, walking, walked);

        candidates.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var files = new List<Found>(candidates.Count + errors.Count);
        foreach (var (path, real) in candidates)
            if (seen.Add(real))
                files.Add(new Found(path));
        files.AddRange(errors);
        return files;
    }

    private static void Walk(string directory, string real, Func<string, bool> take, TextWriter? warnings,
        List<(string, string)> candidates, List<Found> errors, HashSet<string> walking, HashSet<string> walked)
    {
        // Reached again by another path (not a loop): its files are already candidates.
        if (!walked.Add(real))
            return;
        walking.Add(real);
        string[] entries;
        try
        {
            entries = Directory.GetFileSystemEntries(directory);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            errors.Add(new Found(directory, e.Message));
            walking.Remove(real);
            return;
        }
        Array.Sort(entries, StringComparer.Ordinal);
        foreach (string entry in entries)
        {
            // .NET's File.Exists is true for a link to nothing, so ask the file system where the entry leads.
            string? target = RealPath(entry);
            if (target is null)
            {
                if (take(entry))
                    errors.Add(new Found(entry, "broken symbolic link (or unreadable path)"));
            }
            else if (Directory.Exists(target))
            {
                if (walking.Contains(target))
                    warnings?.WriteLine($"warning: {entry}: symbolic link loop back to {target}, not followed");
                else
                    Walk(entry, target, take, warnings, candidates, errors, walking, walked);
            }
            else if (take(entry))
            {
                candidates.Add((entry, target));
            }
        }
        walking.Remove(real);
    }

    /// <summary>The canonical absolute path, every link resolved (POSIX <c>realpath</c>); null if it cannot be resolved.</summary>
    public static string? RealPath(string path)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD())
            return Path.GetFullPath(path);
        nint resolved = NativeRealPath(path, 0);
        if (resolved == 0)
            return null;
        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            Free(resolved);
        }
    }

    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint NativeRealPath(string path, nint resolved);

    [LibraryImport("libc", EntryPoint = "free")]
    private static partial void Free(nint pointer);
}
