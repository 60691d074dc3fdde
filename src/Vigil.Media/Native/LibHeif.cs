using System.Runtime.InteropServices;

namespace Vigil.Media.Native;

/// <summary>
/// The one libheif question Vigil asks: is there a decoder for HEVC (HEIC) or AV1 (AVIF) in this installation?
/// libvips' heifload exists whenever libheif does, but libheif may have been built without (or be missing the
/// plugin for) either codec.
/// </summary>
internal static partial class LibHeif
{
    static LibHeif() => NativeLibraries.Register();

    internal const int CompressionHevc = 1;
    internal const int CompressionAv1 = 4;

    [StructLayout(LayoutKind.Sequential)]
    internal struct HeifError
    {
        public int Code;
        public int Subcode;
        public IntPtr Message;
    }

    [LibraryImport(NativeLibraries.Heif, EntryPoint = "heif_init")]
    internal static partial HeifError Init(IntPtr parameters);

    [LibraryImport(NativeLibraries.Heif, EntryPoint = "heif_have_decoder_for_format")]
    internal static partial int HaveDecoderForFormat(int format);
}
