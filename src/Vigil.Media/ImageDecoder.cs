using Vigil.Media.Exif;
using Vigil.Media.Native;

namespace Vigil.Media;

/// <summary>
/// Decodes encoded images to 8-bit sRGB RGB the way the reference PDQ pipeline (Pillow's default decode and
/// <c>convert("RGB")</c>) does: JPEG through libjpeg-turbo, everything else through libvips. Not thread-safe: use one
/// per worker thread; it reuses its native handles and buffers between images.
/// </summary>
public sealed class ImageDecoder : IDisposable
{
    /// <summary>Files larger than this are read into a buffer that is dropped again after decoding.</summary>
    private const int MaxKeptFileBuffer = 64 * 1024 * 1024;

    private readonly DecodeOptions _options;
    private JpegDecoder? _jpeg;
    private byte[] _fileBuffer = [];
    private bool _disposed;

    /// <summary>Creates a decoder.</summary>
    /// <param name="options">Decoding options; <see cref="DecodeOptions.Default"/> when null.</param>
    /// <remarks>Only libturbojpeg is loaded here; libvips (about 75 ms to load and start) is loaded by the first
    /// image that needs it, and if it is missing such images fail with <see cref="DecodeErrorKind.UnsupportedFormat"/>.</remarks>
    /// <exception cref="DllNotFoundException">libturbojpeg is not installed (the message names the package).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="DecodeOptions.MaxPixels"/> is not positive.</exception>
    /// <exception cref="ArgumentException"><see cref="DecodeOptions.AutoOrient"/> is asked for with <see cref="DecodeCompat.Pytx"/>.</exception>
    public ImageDecoder(DecodeOptions? options = null)
    {
        _options = options ?? DecodeOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxPixels, 1, nameof(options));
        if (_options.AutoOrient && _options.Compat == DecodeCompat.Pytx)
        {
            throw new ArgumentException("python-threatexchange does not apply EXIF orientation: AutoOrient cannot be combined with DecodeCompat.Pytx", nameof(options));
        }
        EnsureNativeLibraries(includeLibVips: false);
    }

    /// <summary>Decodes an encoded image held in memory.</summary>
    /// <param name="encoded">The whole file.</param>
    /// <returns>The decoded image; the caller disposes it. Damage the decoder decoded past (libjpeg-turbo's warnings,
    /// a PNG chunk with a wrong CRC or a missing end marker, a GIF frame whose data stops early) is in
    /// <see cref="RgbImage.Warnings"/>.</returns>
    /// <exception cref="ImageDecodeException">The data is empty, not an image, unsupported, too large, truncated or corrupt.</exception>
    public RgbImage Decode(ReadOnlySpan<byte> encoded)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (encoded.IsEmpty)
        {
            throw new ImageDecodeException(DecodeErrorKind.Empty, "file is empty");
        }

        var format = FormatSniffer.Sniff(encoded[..Math.Min(encoded.Length, FormatSniffer.HeaderBytes)], out var other);
        if (format == ImageFormat.Unknown)
        {
            throw other is null
                ? new ImageDecodeException(DecodeErrorKind.NotAnImage, "not a recognised image format")
                : new ImageDecodeException(DecodeErrorKind.UnsupportedFormat, $"{other} images are not supported");
        }

        if (!IsFormatSupported(format))
        {
            if (format != ImageFormat.Jpeg && format != ImageFormat.Gif && !SupportCache.VipsAvailable)
            {
                throw new ImageDecodeException(
                    DecodeErrorKind.UnsupportedFormat,
                    $"{VipsDecoder.Name(format)} images need libvips, which could not be loaded (install the Debian package libvips42)");
            }

            throw new ImageDecodeException(
                DecodeErrorKind.UnsupportedFormat,
                $"{VipsDecoder.Name(format)} images cannot be decoded on this machine (libvips has no working {VipsDecoder.Name(format)} loader)");
        }

        try
        {
            if (format == ImageFormat.Jpeg)
            {
                _jpeg ??= new JpegDecoder();
                var image = _jpeg.Decode(encoded, _options.MaxPixels, _options.Compat);
                return _options.AutoOrient ? Orientation.Apply(image, ExifOrientation.FromJpeg(encoded)) : image;
            }

            if (format == ImageFormat.Gif)
            {
                // GIF has no orientation metadata.
                return GifDecoder.Decode(encoded, _options.MaxPixels, _options.Compat);
            }

            return VipsDecoder.Decode(encoded, format, _options);
        }
        catch (ImageDecodeException)
        {
            throw;
        }
        catch (OutOfMemoryException e)
        {
            throw new ImageDecodeException(DecodeErrorKind.TooLarge, $"not enough memory to decode this {VipsDecoder.Name(format)} image", e);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or OverflowException or IndexOutOfRangeException)
        {
            throw new ImageDecodeException(DecodeErrorKind.Corrupt, $"corrupt {VipsDecoder.Name(format)} data: {e.Message}", e);
        }
    }

    /// <summary>Reads and decodes a file. The file is read into a buffer that the decoder keeps and reuses.</summary>
    /// <param name="path">Path of the image file.</param>
    /// <returns>The decoded image; the caller disposes it.</returns>
    /// <exception cref="ImageDecodeException">The file cannot be read (<see cref="DecodeErrorKind.Io"/>, with the
    /// operating system's reason) or cannot be decoded.</exception>
    public RgbImage DecodeFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var length = ReadFile(path);
        try
        {
            return Decode(_fileBuffer.AsSpan(0, length));
        }
        finally
        {
            if (_fileBuffer.Length > MaxKeptFileBuffer)
            {
                _fileBuffer = [];
            }
        }
    }

    private int ReadFile(string path)
    {
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
            var size = RandomAccess.GetLength(handle);
            if (size > Array.MaxLength)
            {
                throw new ImageDecodeException(DecodeErrorKind.TooLarge, $"cannot read {path}: the file is {size} bytes, too large to decode");
            }

            if (size == 0)
            {
                return ReadUnknownLength(handle, path); // pipes and special files report no length
            }

            EnsureFileBuffer((int)size);
            var total = 0;
            while (total < size)
            {
                var read = RandomAccess.Read(handle, _fileBuffer.AsSpan(total, (int)size - total), total);
                if (read == 0)
                {
                    break; // the file shrank while being read: decode what is there
                }

                total += read;
            }

            return total;
        }
        catch (UnauthorizedAccessException e) when (Directory.Exists(path))
        {
            throw new ImageDecodeException(DecodeErrorKind.Io, $"cannot read {path}: it is a directory", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException or System.Security.SecurityException)
        {
            throw new ImageDecodeException(DecodeErrorKind.Io, $"cannot read {path}: {e.Message}", e);
        }
        catch (OutOfMemoryException e)
        {
            throw new ImageDecodeException(DecodeErrorKind.Io, $"cannot read {path}: the file is too large to hold in memory", e);
        }
    }

    private int ReadUnknownLength(Microsoft.Win32.SafeHandles.SafeFileHandle handle, string path)
    {
        using var stream = new FileStream(handle, FileAccess.Read, bufferSize: 0);
        var total = 0;
        while (true)
        {
            if (total == _fileBuffer.Length)
            {
                if (total == Array.MaxLength)
                {
                    throw new ImageDecodeException(DecodeErrorKind.TooLarge, $"cannot read {path}: the file is too large to decode");
                }

                EnsureFileBuffer((int)Math.Min(Array.MaxLength, Math.Max(64 * 1024, (long)total * 2)));
            }

            var read = stream.Read(_fileBuffer, total, _fileBuffer.Length - total);
            if (read == 0)
            {
                return total;
            }

            total += read;
        }
    }

    private void EnsureFileBuffer(int size)
    {
        if (_fileBuffer.Length < size)
        {
            var bigger = GC.AllocateUninitializedArray<byte>(size);
            _fileBuffer.AsSpan().CopyTo(bigger);
            _fileBuffer = bigger;
        }
    }

    /// <summary>Identifies an image format from its leading magic bytes (the first 64 bytes are enough).</summary>
    /// <param name="header">The start of the file.</param>
    /// <returns>The format, or <see cref="ImageFormat.Unknown"/>.</returns>
    public static ImageFormat DetectFormat(ReadOnlySpan<byte> header) => FormatSniffer.Sniff(header, out _);

    /// <summary>
    /// Whether images of a format can be decoded on this machine. JPEG, PNG, GIF (decoded in managed code), WebP and TIFF need only the
    /// required libraries; BMP needs libvips' ImageMagick module; HEIC/AVIF need libvips' libheif module and a
    /// HEVC/AV1 decoder in libheif.
    /// </summary>
    /// <param name="format">The format to ask about.</param>
    /// <returns>True if <see cref="Decode"/> can decode it here.</returns>
    public static bool IsFormatSupported(ImageFormat format) => SupportCache.IsSupported(format);

    /// <summary>
    /// Checks that the native libraries can be loaded (libturbojpeg, and unless told otherwise libvips with GLib,
    /// which it then starts).
    /// </summary>
    /// <param name="includeLibVips">Also load and start libvips (PNG, WebP, TIFF, BMP, HEIC/AVIF).</param>
    /// <exception cref="DllNotFoundException">A library is missing; the message names the apt package to install
    /// (libturbojpeg0, libvips42).</exception>
    public static void EnsureNativeLibraries(bool includeLibVips = true)
    {
        NativeLibraries.EnsureLoaded(includeLibVips);
        if (includeLibVips)
        {
            VipsDecoder.EnsureInitialised();
        }
    }

    /// <summary>Releases the TurboJPEG handle and buffers. Decoded images stay valid.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _jpeg?.Dispose();
        _jpeg = null;
        _fileBuffer = [];
    }
}
