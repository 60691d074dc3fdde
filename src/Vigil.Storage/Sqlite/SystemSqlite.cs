using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Vigil.Storage.Sqlite;

/// <summary>
/// Points Microsoft.Data.Sqlite at the system's SQLite (Debian's <c>libsqlite3.so.0</c>) when this
/// assembly loads, before any connection opens. One SQLite per process: libvips loads its modules
/// with RTLD_GLOBAL and its openslide module pulls in the system library, and a bundled copy beside
/// it (<c>libe_sqlite3.so</c>) had its own <c>sqlite3_*</c> calls bound lazily into the system one,
/// never initialised, so the process segfaulted (in <c>sqlite3_open_v2</c>, preparing an INSERT, at
/// a WAL checkpoint) whenever an image went through libvips before the store opened. Promoting the
/// bundled copy at store open (the earlier fix) left every process that decodes first exposed; with
/// the system library there is one copy, whatever loads first.
/// </summary>
internal static class SystemSqlite
{
    private static readonly string[] Names = ["libsqlite3.so.0", "libsqlite3.so", "libsqlite3.dylib", "sqlite3"];

#pragma warning disable CA2255 // A library's module initializer is the one place that runs before any caller can open a connection.
    [ModuleInitializer]
    internal static void Initialize()
    {
        NativeLibrary.SetDllImportResolver(typeof(SQLitePCL.SQLite3Provider_sqlite3).Assembly, Resolve);
        SQLitePCL.raw.SetProvider(new SQLitePCL.SQLite3Provider_sqlite3());
    }
#pragma warning restore CA2255

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != "sqlite3")
            return IntPtr.Zero;
        foreach (string candidate in Names)
        {
            if (NativeLibrary.TryLoad(candidate, assembly, path, out var handle))
                return handle;
        }
        throw new DllNotFoundException("SQLite is not installed: install Debian's libsqlite3-0 (apt-get install libsqlite3-0)");
    }
}
