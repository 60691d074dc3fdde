using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Vigil.Media.Native;

namespace Vigil.Media;

/// <summary>
/// Decodes everything except JPEG and GIF through libvips, reproducing Pillow's <c>convert("RGB")</c>: alpha dropped (not
/// composited), palettes expanded, 1-bit to 0/255, grey to R = G = B, 16-bit grey clipped, other 16-bit to the
/// high byte, CMYK by Pillow's formula, other colour spaces through libvips to sRGB.
/// </summary>
internal static unsafe class VipsDecoder
{
    private static readonly Lock s_initLock = new();
    private static volatile bool s_initialised;

    /// <summary>Starts libvips once per process: single-threaded per image (callers parallelise across images)
    /// and no operation cache (every image is different).</summary>
    internal static void EnsureInitialised()
    {
        if (s_initialised)
        {
            return;
        }

        lock (s_initLock)
        {
            if (s_initialised)
            {
                return;
            }

            fixed (byte* name = "vigil\0"u8)
            {
                if (LibVips.Init(name) != 0)
                {
                    throw new InvalidOperationException("libvips failed to start: " + LibVips.TakeError());
                }
            }

            LibVips.ConcurrencySet(1);
            LibVips.CacheSetMax(0);

            // libvips reports recoverable problems (e.g. "not enough data" before the error it then raises) with
            // g_warning, which GLib prints to stderr. A library must not write to the user's terminal: every
            // failure reaches the caller as an ImageDecodeException, so these are dropped.
            fixed (byte* domain = "VIPS\0"u8)
            {
                GLib.LogSetHandler(domain, GLib.LogLevelWarning | GLib.LogLevelMessage | GLib.LogLevelInfo | GLib.LogLevelDebug, &IgnoreLog, IntPtr.Zero);
            }

            s_initialised = true;
        }
    }

    [UnmanagedCallersOnly]
    private static void IgnoreLog(IntPtr domain, int level, IntPtr message, IntPtr userData)
    {
    }

    /// <summary>Whether this libvips has a given operation (loaders may live in optional modules).</summary>
    internal static bool HasOperation(ReadOnlySpan<byte> nicknameUtf8Z)
    {
        EnsureInitialised();
        fixed (byte* basename = "VipsOperation\0"u8)
        fixed (byte* nickname = nicknameUtf8Z)
        {
            return LibVips.TypeFind(basename, nickname) != 0;
        }
    }

    internal static RgbImage Decode(ReadOnlySpan<byte> data, ImageFormat format, DecodeOptions options)
    {
        EnsureInitialised();
        PrecheckDimensions(data, format, options.MaxPixels);

        var owned = new OwnedImages();
        try
        {
            fixed (byte* buffer = data)
            {
                var image = owned.Add(Load(format, buffer, (nuint)data.Length, data));

                var width = LibVips.ImageGetWidth(image);
                var height = LibVips.ImageGetHeight(image);
                if (width <= 0 || height <= 0)
                {
                    throw new ImageDecodeException(DecodeErrorKind.Corrupt, $"invalid {Name(format)} dimensions {width}x{height}");
                }

                Limits.CheckPixels(width, height, options.MaxPixels);
                var orientation = options.AutoOrient ? ReadOrientation(image) : 1;

                var interpretation = LibVips.ImageGetInterpretation(image);
                var bandFormat = LibVips.ImageGetFormat(image);
                var bands = LibVips.ImageGetBands(image);
                var cmyk = interpretation == LibVips.InterpretationCmyk && bands >= 4 && LibVips.ImageGetCoding(image) == LibVips.CodingNone;

                if (!cmyk && NeedsColourspace(image, interpretation))
                {
                    image = owned.Add(Check(LibVips.Colourspace(image, out var srgb, LibVips.InterpretationSrgb, IntPtr.Zero), srgb, format, data));
                    bandFormat = LibVips.ImageGetFormat(image);
                    interpretation = LibVips.ImageGetInterpretation(image);
                }

                if (bandFormat is not (LibVips.FormatUChar or LibVips.FormatUShort))
                {
                    image = owned.Add(Check(LibVips.Cast(image, out var cast, LibVips.FormatUChar, IntPtr.Zero), cast, format, data));
                    bandFormat = LibVips.FormatUChar;
                }

                bands = LibVips.ImageGetBands(image);
                if (bands < 1)
                {
                    throw new ImageDecodeException(DecodeErrorKind.Corrupt, $"{Name(format)} image has no colour channels");
                }

                // The pixels are decoded here (lazily, top to bottom).
                var memory = LibVips.ImageWriteToMemory(image, out var size);
                if (memory == IntPtr.Zero)
                {
                    throw Classify(LibVips.TakeError(), format, data);
                }

                var pixels = NativeBuffer.FromGLib(memory, size);
                var png = format == ImageFormat.Png ? PngChunks.ReadHeader(data) : null;
                var pytx = options.Compat == DecodeCompat.Pytx;
                // Pillow reads 16-bit grey without alpha as mode I;16 / I; a PNG says so in its header (libvips adds
                // an alpha band for a tRNS chunk, which Pillow keeps separate).
                var wideGrey = pytx && bandFormat == LibVips.FormatUShort && !cmyk
                    && (png is { } h ? h.ColourType == PngHeader.Grey && h.BitDepth == 16 : bands == 1 && interpretation == LibVips.InterpretationGrey16);
                var rgb = ToRgb(pixels, width, height, bands, bandFormat, cmyk && !pytx, interpretation, format, wideGrey);
                try
                {
                    if (pytx && png is { } header)
                    {
                        ApplyPytxPng(data, header, rgb);
                    }

                    if (format == ImageFormat.Png && PngChunks.Warnings(data) is { } warnings)
                    {
                        rgb.Warnings = warnings;
                    }
                }
                catch
                {
                    rgb.Dispose();
                    throw;
                }

                return Orientation.Apply(rgb, orientation);
            }
        }
        finally
        {
            owned.Dispose();
        }
    }

    private static IntPtr Load(ImageFormat format, byte* buffer, nuint length, ReadOnlySpan<byte> data)
    {
        int rc;
        IntPtr image;
        fixed (byte* access = "access\0"u8)
        fixed (byte* failOn = "fail_on\0"u8)
        {
            const int seq = LibVips.AccessSequential;
            const int trunc = LibVips.FailOnTruncated;
            rc = format switch
            {
                ImageFormat.Png => LibVips.PngLoadBuffer(buffer, length, out image, access, seq, failOn, trunc, IntPtr.Zero),
                ImageFormat.WebP => LibVips.WebpLoadBuffer(buffer, length, out image, access, seq, failOn, trunc, IntPtr.Zero),
                ImageFormat.Tiff => LibVips.TiffLoadBuffer(buffer, length, out image, access, seq, failOn, trunc, IntPtr.Zero),
                ImageFormat.Heif or ImageFormat.Avif => LibVips.HeifLoadBuffer(buffer, length, out image, access, seq, failOn, trunc, IntPtr.Zero),
                ImageFormat.Bmp => LibVips.MagickLoadBuffer(buffer, length, out image, access, seq, failOn, trunc, IntPtr.Zero),
                _ => throw new ImageDecodeException(DecodeErrorKind.UnsupportedFormat, $"{Name(format)} images are not supported"),
            };
        }

        return Check(rc, image, format, data);
    }

    private static IntPtr Check(int rc, IntPtr image, ImageFormat format, ReadOnlySpan<byte> data)
    {
        if (rc != 0 || image == IntPtr.Zero)
        {
            if (image != IntPtr.Zero)
            {
                GLib.ObjectUnref(image);
            }

            throw Classify(LibVips.TakeError(), format, data);
        }

        return image;
    }

    /// <summary>Colour spaces other than grey/RGB/CMYK (Lab, XYZ, LabQ-coded, scRGB, HSV, ...) go through libvips.</summary>
    private static bool NeedsColourspace(IntPtr image, int interpretation)
    {
        if (LibVips.ImageGetCoding(image) != LibVips.CodingNone)
        {
            return true;
        }

        return interpretation is not (LibVips.InterpretationMultiband or LibVips.InterpretationBW or LibVips.InterpretationRgb
            or LibVips.InterpretationSrgb or LibVips.InterpretationRgb16 or LibVips.InterpretationGrey16 or LibVips.InterpretationCmyk);
    }

    /// <summary>
    /// python-threatexchange's arrays for the PNG modes where they are not the RGB conversion: a palette image's
    /// indices (read from the file, since libvips only gives colours) and a 1-bit image's 0 and 1.
    /// </summary>
    private static void ApplyPytxPng(ReadOnlySpan<byte> data, PngHeader header, RgbImage image)
    {
        var pixels = image.WritablePixels;
        var count = image.Width * image.Height;
        if (header.ColourType == PngHeader.Palette)
        {
            // Read the indices into the first third of the buffer, then spread them from the end backwards
            // (pixel i's three bytes start at 3i >= i, so nothing is overwritten before it is read).
            PngIndexReader.Read(data, header, pixels[..count]);
            for (var i = count - 1; i >= 0; i--)
            {
                var v = pixels[i];
                pixels[3 * i] = v;
                pixels[(3 * i) + 1] = v;
                pixels[(3 * i) + 2] = v;
            }
        }
        else if (header.ColourType == PngHeader.Grey && header.BitDepth == 1)
        {
            // Pillow's mode "1" array is booleans: 0 and 1, where the RGB conversion gives 0 and 255.
            foreach (ref var v in pixels)
            {
                v = v == 0 ? (byte)0 : (byte)1;
            }
        }
    }

    private static RgbImage ToRgb(NativeBuffer pixels, int width, int height, int bands, int bandFormat, bool cmyk, int interpretation, ImageFormat format, bool wideGrey)
    {
        try
        {
            var count = (long)width * height;
            var bytesPerSample = bandFormat == LibVips.FormatUShort ? 2 : 1;
            if (pixels.Length < (nuint)(count * bands * bytesPerSample))
            {
                throw new ImageDecodeException(DecodeErrorKind.Corrupt, $"{Name(format)} decoder returned too little pixel data");
            }

            if (bandFormat == LibVips.FormatUChar && bands == 3 && !cmyk)
            {
                var adopted = RgbImage.Adopt(width, height, format, pixels);
                pixels = null!;
                return adopted;
            }

            var image = RgbImage.Allocate(width, height, format);
            try
            {
                var src = new ReadOnlySpan<byte>(pixels.Pointer, checked((int)pixels.Length));
                if (cmyk)
                {
                    if (bandFormat == LibVips.FormatUShort)
                    {
                        var high = new byte[count * bands];
                        var wide = MemoryMarshal.Cast<byte, ushort>(src);
                        for (var i = 0; i < high.Length; i++)
                        {
                            high[i] = (byte)(wide[i] >> 8);
                        }

                        PixelConvert.CmykToRgb(high, bands, image.WritablePixels);
                    }
                    else
                    {
                        PixelConvert.CmykToRgb(src, bands, image.WritablePixels);
                    }
                }
                else if (bandFormat == LibVips.FormatUShort)
                {
                    // Pillow: 16-bit grey without alpha is mode I;16 / I, clipped to 0..255 by convert("RGB").
                    var clip = bands == 1 && interpretation is LibVips.InterpretationGrey16 or LibVips.InterpretationBW or LibVips.InterpretationMultiband;
                    var wide = MemoryMarshal.Cast<byte, ushort>(src);
                    if (wideGrey)
                    {
                        // python-threatexchange hashes the values themselves; Pixels keeps a viewable high byte.
                        var grey = ArrayPool<ushort>.Shared.Rent((int)count);
                        for (int i = 0, s = 0; i < count; i++, s += bands)
                        {
                            grey[i] = wide[s];
                        }

                        image.AttachWideGrey(grey);
                        clip = false;
                    }

                    PixelConvert.Bands16ToRgb(wide, bands, clip, image.WritablePixels);
                }
                else
                {
                    PixelConvert.Bands8ToRgb(src, bands, image.WritablePixels);
                }

                return image;
            }
            catch
            {
                image.Dispose();
                throw;
            }
        }
        finally
        {
            pixels?.Dispose();
        }
    }

    private static int ReadOrientation(IntPtr image)
    {
        fixed (byte* name = "orientation\0"u8)
        {
            if (LibVips.ImageGetTypeof(image, name) == 0 || LibVips.ImageGetInt(image, name, out var value) != 0)
            {
                LibVips.ErrorClear();
                return 1;
            }

            return value;
        }
    }

    /// <summary>
    /// Loaders that decode everything while reading the header (ImageMagick's, used for BMP) would allocate before
    /// the libvips header check, so their dimensions are checked from the raw header first.
    /// </summary>
    private static void PrecheckDimensions(ReadOnlySpan<byte> data, ImageFormat format, long maxPixels)
    {
        if (format == ImageFormat.Bmp && data.Length >= 26)
        {
            var dib = BinaryPrimitives.ReadUInt32LittleEndian(data[14..]);
            long w, h;
            if (dib == 12)
            {
                w = BinaryPrimitives.ReadUInt16LittleEndian(data[18..]);
                h = BinaryPrimitives.ReadUInt16LittleEndian(data[20..]);
            }
            else
            {
                w = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(data[18..]));
                h = Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(data[22..]));
            }

            Limits.CheckPixels(w, h, maxPixels);
        }
    }

    /// <summary>Turns a libvips error message into a decode error of the right kind.</summary>
    internal static ImageDecodeException Classify(string message, ImageFormat format, ReadOnlySpan<byte> data)
    {
        var name = Name(format);
        var reason = Tidy(message);
        if (TruncationProbe.Explain(format, data) is { } truncation)
        {
            return new ImageDecodeException(DecodeErrorKind.Truncated, $"truncated {name} data ({truncation})");
        }

        if (IsTruncation(message))
        {
            return new ImageDecodeException(DecodeErrorKind.Truncated, $"truncated {name} data" + (reason.Length > 0 ? $" ({reason})" : string.Empty));
        }

        if (message.Contains("not a known", StringComparison.OrdinalIgnoreCase) || message.Contains("not in a known format", StringComparison.OrdinalIgnoreCase))
        {
            return new ImageDecodeException(DecodeErrorKind.Corrupt, $"corrupt {name} data: not a valid {name} file");
        }

        if (message.Contains("not authorized", StringComparison.OrdinalIgnoreCase))
        {
            return new ImageDecodeException(DecodeErrorKind.UnsupportedFormat, $"{name} decoding is disabled by ImageMagick's security policy ({reason})");
        }

        if (message.Contains("Unsupported codec", StringComparison.OrdinalIgnoreCase) || message.Contains("no decoder", StringComparison.OrdinalIgnoreCase))
        {
            return new ImageDecodeException(DecodeErrorKind.UnsupportedFormat, $"{name} images cannot be decoded on this machine ({reason})");
        }

        return new ImageDecodeException(DecodeErrorKind.Corrupt, $"corrupt {name} data" + (reason.Length > 0 ? $": {reason}" : string.Empty));
    }

    private static bool IsTruncation(string message) =>
        message.Contains("truncat", StringComparison.OrdinalIgnoreCase) ||
        message.Contains("premature", StringComparison.OrdinalIgnoreCase) ||
        message.Contains("unexpected end", StringComparison.OrdinalIgnoreCase) ||
        message.Contains("end of file", StringComparison.OrdinalIgnoreCase) ||
        message.Contains("bad seek", StringComparison.OrdinalIgnoreCase) ||
        message.Contains("end of stream", StringComparison.OrdinalIgnoreCase) ||
        message.Contains("not enough data", StringComparison.OrdinalIgnoreCase) ||
        message.Contains("insufficient image data", StringComparison.OrdinalIgnoreCase);

    /// <summary>The first line(s) of a libvips message, without repeats, kept short.</summary>
    private static string Tidy(string message)
    {
        var lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().Take(3);
        var text = string.Join("; ", lines);
        return text.Length > 300 ? text[..300] + "..." : text;
    }

    internal static string Name(ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => "JPEG",
        ImageFormat.Png => "PNG",
        ImageFormat.Gif => "GIF",
        ImageFormat.WebP => "WebP",
        ImageFormat.Bmp => "BMP",
        ImageFormat.Tiff => "TIFF",
        ImageFormat.Heif => "HEIC",
        ImageFormat.Avif => "AVIF",
        _ => "image",
    };

    /// <summary>The libvips images created while decoding one file; all are unreferenced on every path.</summary>
    private struct OwnedImages : IDisposable
    {
        private IntPtr _a;
        private IntPtr _b;
        private IntPtr _c;

        public IntPtr Add(IntPtr image)
        {
            if (_a == IntPtr.Zero)
            {
                _a = image;
            }
            else if (_b == IntPtr.Zero)
            {
                _b = image;
            }
            else if (_c == IntPtr.Zero)
            {
                _c = image;
            }
            else
            {
                GLib.ObjectUnref(image);
                throw new InvalidOperationException("too many intermediate images");
            }

            return image;
        }

        public void Dispose()
        {
            // Unreference the newest first: each holds a reference on its input anyway.
            Release(ref _c);
            Release(ref _b);
            Release(ref _a);
        }

        private static void Release(ref IntPtr image)
        {
            if (image != IntPtr.Zero)
            {
                GLib.ObjectUnref(image);
                image = IntPtr.Zero;
            }
        }
    }
}
