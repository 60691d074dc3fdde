using Vigil.Media.Native;

namespace Vigil.Media;

/// <summary>Works out once per process which formats this machine's libraries can decode.</summary>
internal static class SupportCache
{
    private static readonly Lazy<bool> s_bmp = new(() => Probe(() => VipsDecoder.HasOperation("magickload_buffer\0"u8)));
    private static readonly Lazy<bool> s_heic = new(() => Probe(() => HeifDecoder(LibHeif.CompressionHevc)));
    private static readonly Lazy<bool> s_avif = new(() => Probe(() => HeifDecoder(LibHeif.CompressionAv1)));
    private static readonly Lazy<bool> s_core = new(() => Probe(() =>
    {
        ImageDecoder.EnsureNativeLibraries();
        return true;
    }));

    internal static bool IsSupported(ImageFormat format) => format switch
    {
        ImageFormat.Jpeg or ImageFormat.Png or ImageFormat.Gif or ImageFormat.WebP or ImageFormat.Tiff => s_core.Value,
        ImageFormat.Bmp => s_core.Value && s_bmp.Value,
        ImageFormat.Heif => s_core.Value && s_heic.Value,
        ImageFormat.Avif => s_core.Value && s_avif.Value,
        _ => false,
    };

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
