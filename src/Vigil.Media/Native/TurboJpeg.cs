using System.Runtime.InteropServices;

namespace Vigil.Media.Native;

/// <summary>P/Invoke declarations for the parts of libjpeg-turbo's TurboJPEG 2.x API that Vigil uses.</summary>
/// <remarks>TurboJPEG's <c>unsigned long</c> sizes are 32 bits on Windows and 64 on Linux and macOS: the
/// compressor's size, passed by pointer, is a <see cref="CULong"/> so that it has the right width everywhere.</remarks>
internal static unsafe partial class TurboJpeg
{
    static TurboJpeg() => NativeLibraries.Register();

    // TJPF pixel formats.
    internal const int PixelFormatRgb = 0;
    internal const int PixelFormatCmyk = 11;

    // TJSAMP chroma subsampling.
    internal const int Subsampling420 = 2;

    // TJCS JPEG colour spaces.
    internal const int ColorspaceRgb = 0;
    internal const int ColorspaceYCbCr = 1;
    internal const int ColorspaceGray = 2;
    internal const int ColorspaceCmyk = 3;
    internal const int ColorspaceYcck = 4;

    // TJERR error codes.
    internal const int ErrorWarning = 0;
    internal const int ErrorFatal = 1;

    /// <summary>
    /// TJFLAG_LIMITSCANS (libjpeg-turbo 2.1+; ignored by older versions): refuse progressive JPEGs with more
    /// than 500 scans, which otherwise take minutes to decode. Changes nothing for real images, so the output
    /// is still the default accurate-DCT, fancy-upsampling decode (flags otherwise 0).
    /// </summary>
    internal const int FlagLimitScans = 32768;

    [LibraryImport(NativeLibraries.TurboJpeg, EntryPoint = "tjInitDecompress")]
    internal static partial IntPtr InitDecompress();

    [LibraryImport(NativeLibraries.TurboJpeg, EntryPoint = "tjDestroy")]
    internal static partial int Destroy(IntPtr handle);

    [LibraryImport(NativeLibraries.TurboJpeg, EntryPoint = "tjDecompressHeader3")]
    internal static partial int DecompressHeader3(
        IntPtr handle, byte* jpegBuf, nuint jpegSize, int* width, int* height, int* jpegSubsamp, int* jpegColorspace);

    [LibraryImport(NativeLibraries.TurboJpeg, EntryPoint = "tjDecompress2")]
    internal static partial int Decompress2(
        IntPtr handle, byte* jpegBuf, nuint jpegSize, byte* dstBuf, int width, int pitch, int height, int pixelFormat, int flags);

    [LibraryImport(NativeLibraries.TurboJpeg, EntryPoint = "tjInitCompress")]
    internal static partial IntPtr InitCompress();

    /// <summary>With <paramref name="jpegBuf"/> pointing at null and flags without TJFLAG_NOREALLOC, TurboJPEG
    /// allocates the output itself; release it with <see cref="Free"/>.</summary>
    [LibraryImport(NativeLibraries.TurboJpeg, EntryPoint = "tjCompress2")]
    internal static partial int Compress2(
        IntPtr handle, byte* srcBuf, int width, int pitch, int height, int pixelFormat, byte** jpegBuf, CULong* jpegSize,
        int jpegSubsamp, int jpegQual, int flags);

    [LibraryImport(NativeLibraries.TurboJpeg, EntryPoint = "tjFree")]
    internal static partial void Free(byte* buffer);

    [LibraryImport(NativeLibraries.TurboJpeg, EntryPoint = "tjGetErrorStr2")]
    internal static partial IntPtr GetErrorStr2(IntPtr handle);

    [LibraryImport(NativeLibraries.TurboJpeg, EntryPoint = "tjGetErrorCode")]
    internal static partial int GetErrorCode(IntPtr handle);

    /// <summary>The handle's last error message (empty if none).</summary>
    internal static string LastError(IntPtr handle) => Marshal.PtrToStringUTF8(GetErrorStr2(handle))?.Trim() ?? string.Empty;
}
