using System.Reflection;
using System.Runtime.InteropServices;

namespace Vigil.Media.Native;

/// <summary>
/// Maps the logical library names used by the P/Invoke declarations to the real file names of
/// Debian's packages (and their usual names on other systems), and checks they can be loaded.
/// </summary>
internal static class NativeLibraries
{
    internal const string TurboJpeg = "vigil-turbojpeg";
    internal const string Vips = "vigil-vips";
    internal const string GLib = "vigil-glib";
    internal const string GObject = "vigil-gobject";
    internal const string Heif = "vigil-heif";

    private static readonly Dictionary<string, string[]> s_candidates = new(StringComparer.Ordinal)
    {
        [TurboJpeg] = ["libturbojpeg.so.0", "libturbojpeg.so", "libturbojpeg.0.dylib", "libturbojpeg.dylib", "turbojpeg.dll", "turbojpeg"],
        [Vips] = ["libvips.so.42", "libvips.so", "libvips.42.dylib", "libvips.dylib", "libvips-42.dll", "vips"],
        [GLib] = ["libglib-2.0.so.0", "libglib-2.0.so", "libglib-2.0.0.dylib", "libglib-2.0-0.dll", "glib-2.0"],
        [GObject] = ["libgobject-2.0.so.0", "libgobject-2.0.so", "libgobject-2.0.0.dylib", "libgobject-2.0-0.dll", "gobject-2.0"],
        [Heif] = ["libheif.so.1", "libheif.so", "libheif.1.dylib", "libheif.dll", "heif"],
    };

    private static readonly Dictionary<string, IntPtr> s_loaded = new(StringComparer.Ordinal);
    private static readonly Lock s_lock = new();
    private static int s_registered;

    /// <summary>Installs the resolver for this assembly (idempotent). Called by every native class's static constructor.</summary>
    internal static void Register()
    {
        if (Interlocked.Exchange(ref s_registered, 1) == 0)
        {
            NativeLibrary.SetDllImportResolver(typeof(NativeLibraries).Assembly, Resolve);
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        return TryLoad(name, assembly, out var handle) ? handle : IntPtr.Zero;
    }

    /// <summary>Loads one of the logical libraries, trying each known file name; caches the result.</summary>
    internal static bool TryLoad(string name, out IntPtr handle) => TryLoad(name, typeof(NativeLibraries).Assembly, out handle);

    private static bool TryLoad(string name, Assembly assembly, out IntPtr handle)
    {
        lock (s_lock)
        {
            if (s_loaded.TryGetValue(name, out handle))
            {
                return handle != IntPtr.Zero;
            }

            if (!s_candidates.TryGetValue(name, out var files))
            {
                handle = IntPtr.Zero;
                return false;
            }

            foreach (var file in files)
            {
                if (NativeLibrary.TryLoad(file, assembly, DllImportSearchPath.SafeDirectories | DllImportSearchPath.AssemblyDirectory, out handle))
                {
                    s_loaded[name] = handle;
                    return true;
                }
            }

            s_loaded[name] = IntPtr.Zero;
            handle = IntPtr.Zero;
            return false;
        }
    }

    private const string TurboJpegMissing = "libjpeg-turbo's TurboJPEG library (libturbojpeg.so.0)";
    private const string VipsMissing = "libvips with its GLib dependencies (libvips.so.42)";

    /// <summary>Throws <see cref="DllNotFoundException"/> naming the Debian package when a required library is missing.</summary>
    internal static void EnsureLoaded(bool includeVips = true)
    {
        Register();
        var missing = new List<(string Library, string Package)>();
        if (!TryLoad(TurboJpeg, out _))
        {
            missing.Add((TurboJpegMissing, "libturbojpeg0"));
        }

        if (includeVips && !VipsLoads())
        {
            missing.Add((VipsMissing, "libvips42"));
        }

        if (missing.Count > 0)
        {
            throw new DllNotFoundException(
                "Vigil needs native image libraries that could not be loaded: " +
                string.Join("; ", missing.Select(m => $"{m.Library}, Debian/Ubuntu package {m.Package}")) +
                $". Install with: sudo apt-get install {string.Join(' ', missing.Select(m => m.Package))}");
        }
    }

    /// <summary>Loads libvips and GLib (about 40 ms, plus 30 ms for vips_init: done only when a format needs them).</summary>
    internal static bool VipsLoads()
    {
        Register();
        return TryLoad(Vips, out _) && TryLoad(GLib, out _) && TryLoad(GObject, out _);
    }
}
