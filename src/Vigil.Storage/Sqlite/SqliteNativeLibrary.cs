using System.Runtime.InteropServices;

namespace Vigil.Storage.Sqlite;

/// <summary>
/// Keeps SQLite working in a process that also loads libvips (the image decoder).
/// </summary>
/// <remarks>
/// libvips loads its modules with RTLD_GLOBAL, and its openslide module pulls in the system's
/// <c>libsqlite3.so.0</c>. The SQLite that Microsoft.Data.Sqlite bundles (<c>libe_sqlite3.so</c>)
/// calls its own exported <c>sqlite3_*</c> functions through the PLT, bound lazily; once the system
/// library sits in the global scope, those bindings land in it (never initialised) and the process
/// segfaults, e.g. preparing an INSERT or at a WAL checkpoint. Promoting the bundled library to
/// the global scope before libvips starts makes every such binding find the bundled copy first.
/// Opening a store calls <see cref="LoadFirst"/>, so a program that opens its store before it
/// decodes any image (every vigil command does) is safe; one that cannot should call it at start-up.
/// </remarks>
public static partial class SqliteNativeLibrary
{
    private const int RtldLazy = 0x1, RtldNoLoad = 0x4, RtldGlobal = 0x100;
    private static int s_done;

    /// <summary>Loads the bundled SQLite and puts it ahead of any other SQLite in the process (Linux; a no-op elsewhere, and after the first call).</summary>
    public static void LoadFirst()
    {
        if (Interlocked.Exchange(ref s_done, 1) != 0)
            return;
        SQLitePCL.Batteries_V2.Init();
        if (!OperatingSystem.IsLinux())
            return;
        try
        {
            string? path = LoadedPath("libe_sqlite3.so");
            if (path is not null)
                _ = DlOpen(path, RtldLazy | RtldNoLoad | RtldGlobal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DllNotFoundException or EntryPointNotFoundException)
        {
            // Best effort: without it, only processes that also decode with libvips are at risk.
        }
    }

    private static string? LoadedPath(string fileName)
    {
        foreach (string line in File.ReadLines("/proc/self/maps"))
        {
            int slash = line.IndexOf('/');
            if (slash >= 0 && line.EndsWith("/" + fileName, StringComparison.Ordinal))
                return line[slash..];
        }
        return null;
    }

    [LibraryImport("libc.so.6", EntryPoint = "dlopen", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr DlOpen(string path, int flags);
}
