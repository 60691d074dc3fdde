using System.Runtime.InteropServices;

namespace Vigil.Media.Native;

/// <summary>
/// P/Invoke declarations for libvips 8.x. The load and conversion entry points are C varargs functions taking
/// NULL-terminated (name, value) option pairs; on x86-64 and AArch64 Linux the varargs integer/pointer calling
/// convention matches a fixed-argument declaration, so each is declared with the options it is called with plus a
/// trailing <see cref="IntPtr.Zero"/> terminator.
/// </summary>
internal static unsafe partial class LibVips
{
    static LibVips() => NativeLibraries.Register();

    // VipsBandFormat
    internal const int FormatUChar = 0;
    internal const int FormatChar = 1;
    internal const int FormatUShort = 2;
    internal const int FormatShort = 3;
    internal const int FormatUInt = 4;
    internal const int FormatInt = 5;
    internal const int FormatFloat = 6;
    internal const int FormatComplex = 7;
    internal const int FormatDouble = 8;
    internal const int FormatDpComplex = 9;

    // VipsInterpretation
    internal const int InterpretationMultiband = 0;
    internal const int InterpretationBW = 1;
    internal const int InterpretationLab = 13;
    internal const int InterpretationCmyk = 15;
    internal const int InterpretationLabQ = 16;
    internal const int InterpretationRgb = 17;
    internal const int InterpretationSrgb = 22;
    internal const int InterpretationRgb16 = 25;
    internal const int InterpretationGrey16 = 26;

    // VipsCoding
    internal const int CodingNone = 0;

    // VipsAccess / VipsFailOn
    internal const int AccessSequential = 1;
    internal const int FailOnTruncated = 1;

    [LibraryImport(NativeLibraries.Vips, EntryPoint = "vips_init")]
    internal static partial int Init(byte* argv0);

    [LibraryImport(NativeLibraries.Vips, EntryPoint = "vips_version")]
    internal static partial int Version(int flag);

    [LibraryImport(NativeLibraries.Vips, EntryPoint = "vips_concurrency_set")]
    internal static partial void ConcurrencySet(int concurrency);

    [LibraryImport(NativeLibraries.Vips, EntryPoint = "vips_cache_set_max")]
    internal static partial void CacheSetMax(int max);

    [LibraryImport(NativeLibraries.Vips, EntryPoint = "vips_type_find")]
    internal static partial nuint TypeFind(byte* basename, byte* nickname);

    [LibraryImport(NativeLibraries.Vips, EntryPoint = "vips_error_buffer_copy")]
    internal static partial IntPtr ErrorBufferCopy();

    [LibraryImport(NativeLibraries.Vips, EntryPoint = "vips_error_clear")]
    internal static partial void ErrorClear();

    // int vips_xxxload_buffer(void *buf, size_t len, VipsImage **out, ...)
    [LibraryImport(NativeLibraries.Vips, EntryPoint = "vips_pngload_buffer")]
    internal static partial int PngLoadBuffer(byte* buf, nuint len, out IntPtr image, byte* name1, int value1, byte* name2, int value2, IntPtr terminator);

    [LibraryImport(NativeLibraries.Vips, EntryPoint = "vips_webpload_buffer")]
    internal static partial int WebpLoadBuffer(byte* buf, nuint len, out IntPtr image, byte* name1, int value1, byte* name2, int value2, IntPtr terminator);

    [LibraryImport(NativeLibraries.Vips, EntryPoint = "vips_tiffload_buffer")]
    internal static partial int TiffLoadBuffer(byte* buf, nuint len, out IntPtr image, byte* name1, int value1, byte* name2, int value2, IntPtr terminator);

    [LibraryImport(NativeLibraries.Vips, EntryPoint = "vips_heifload_buffer")]
    internal static partial int HeifLoadBuffer(byte* buf, nuint len, out IntPtr image, byte* name1, int value1, byte* name2, int value2, IntPtr terminator);

    [LibraryImport(NativeLibraries.Vips, EntryPoint = "vips_magickload_buffer")]
    internal static partial int MagickLoadBuffer(byte* buf, nuint len, out IntPtr image, byte* name1, int value1, byte* name2, int value2, IntPtr terminator);

    [LibraryImport(NativeLibraries.Vips, EntryPoint = "vips_colourspace")]
    internal static partial int Colourspace(IntPtr input, out IntPtr output, int space, IntPtr terminator);

    [LibraryImport(NativeLibraries.Vips, EntryPoint = "vips_cast")]
    internal static partial int Cast(IntPtr input, out IntPtr output, int format, IntPtr terminator);

    [LibraryImport(NativeLibraries.Vips, EntryPoint = "vips_image_get_width")]
    internal static partial int ImageGetWidth(IntPtr image);

    [LibraryImport(NativeLibraries.Vips, EntryPoint = "vips_image_get_height")]
    internal static partial int ImageGetHeight(IntPtr image);

    [LibraryImport(NativeLibraries.Vips, EntryPoint = "vips_image_get_bands")]
    internal static partial int ImageGetBands(IntPtr image);

    [LibraryImport(NativeLibraries.Vips, EntryPoint = "vips_image_get_format")]
    internal static partial int ImageGetFormat(IntPtr image);

    [LibraryImport(NativeLibraries.Vips, EntryPoint = "vips_image_get_interpretation")]
    internal static partial int ImageGetInterpretation(IntPtr image);

    [LibraryImport(NativeLibraries.Vips, EntryPoint = "vips_image_get_coding")]
    internal static partial int ImageGetCoding(IntPtr image);

    [LibraryImport(NativeLibraries.Vips, EntryPoint = "vips_image_get_typeof")]
    internal static partial nuint ImageGetTypeof(IntPtr image, byte* name);

    [LibraryImport(NativeLibraries.Vips, EntryPoint = "vips_image_get_int")]
    internal static partial int ImageGetInt(IntPtr image, byte* name, out int value);

    [LibraryImport(NativeLibraries.Vips, EntryPoint = "vips_image_write_to_memory")]
    internal static partial IntPtr ImageWriteToMemory(IntPtr image, out nuint size);

    /// <summary>Takes (and clears) libvips' error buffer. The buffer is process-wide, so under concurrency it may
    /// hold other threads' messages too; callers use it only for the human-readable reason.</summary>
    internal static string TakeError()
    {
        var copy = ErrorBufferCopy();
        if (copy == IntPtr.Zero)
        {
            return string.Empty;
        }

        try
        {
            return Marshal.PtrToStringUTF8(copy)?.Trim() ?? string.Empty;
        }
        finally
        {
            GLib.Free(copy);
        }
    }
}
