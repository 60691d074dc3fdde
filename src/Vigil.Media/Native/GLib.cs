using System.Runtime.InteropServices;

namespace Vigil.Media.Native;

/// <summary>The two GLib/GObject functions needed to release what libvips hands out.</summary>
internal static unsafe partial class GLib
{
    static GLib() => NativeLibraries.Register();

    [LibraryImport(NativeLibraries.GLib, EntryPoint = "g_free")]
    internal static partial void Free(IntPtr memory);

    // GLogLevelFlags
    internal const int LogLevelWarning = 1 << 4;
    internal const int LogLevelMessage = 1 << 5;
    internal const int LogLevelInfo = 1 << 6;
    internal const int LogLevelDebug = 1 << 7;

    [LibraryImport(NativeLibraries.GLib, EntryPoint = "g_log_set_handler")]
    internal static partial uint LogSetHandler(byte* logDomain, int logLevels, delegate* unmanaged<IntPtr, int, IntPtr, IntPtr, void> logFunc, IntPtr userData);

    [LibraryImport(NativeLibraries.GObject, EntryPoint = "g_object_unref")]
    internal static partial void ObjectUnref(IntPtr gobject);
}
