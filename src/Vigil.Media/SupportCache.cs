using Vigil.Media.Native;

namespace Vigil.Media;

/// <summary>Works out once per process which formats this machine's libraries can decode.</summary>
internal static class SupportCache
{
    private static readonly Lazy<bool> s_bmp = new(() => Probe(() => VipsDecoder.HasOperation("magickload_buffer\0"u8)));
    private static readonly Lazy<bool> s_heic = new(() => Probe(() => HeifDecoder(LibHeif.CompressionHevc)));
    private static readonly Lazy<bool> s_avif = new(() => Probe(() => HeifDecoder(LibHeif.CompressionAv1)));
    private static readonly Lazy<bool> s_jpeg = new(() => Probe(() =>
    {
        NativeLibraries.EnsureLoaded(includeVips: false);
        return true;
    }));

    // Loading libvips costs about 75 ms, so it happens on the first image that needs it, not at start-up.
    private static readonly Lazy<bool> s_vips = new(() => Probe(() =>
    {
        if (!NativeLibraries.VipsLoads())
            return false;
        VipsDecoder.EnsureInitialised();
        return true;
    }));

    internal static bool IsSupported(ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => s_jpeg.Value,
        ImageFormat.Gif => true, // decoded in managed code
        ImageFormat.Png or ImageFormat.WebP or ImageFormat.Tiff => s_vips.Value,
        ImageFormat.Bmp => s_vips.Value && s_bmp.Value,
        ImageFormat.Heif => s_vips.Value && s_heic.Value,
        ImageFormat.Avif => s_vips.Value && s_avif.Value,
        _ => false,
    };

    /// <summary>True when libvips loaded; false says why a libvips format is unsupported.</summary>
    internal static bool VipsAvailable => s_vips.Value;

    private static bool HeifDecoder(int compression)
    {
        if (!VipsDecoder.HasOperation("heifload_buffer\0"u8) || !NativeLibraries.TryLoad(NativeLibraries.Heif, out _))
        {
            return false;
        }

        _ = LibHeif.Init(IntPtr.Zero);
        return LibHeif.HaveDecoderForFormat(compression) != 0;
    }

    private static bool Probe(Func<bool> probe)
    {
        try
        {
            return probe();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or InvalidOperationException)
        {
            return false;
        }
    }
}
