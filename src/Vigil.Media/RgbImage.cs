using System.Buffers;

namespace Vigil.Media;

/// <summary>
/// An 8-bit sRGB RGB image, 3 bytes per pixel, rows contiguous with stride <c>Width * 3</c>. Owns its memory
/// (pooled managed memory, or native memory handed over by libvips); <see cref="Dispose"/> returns it, after which
/// <see cref="Pixels"/> must not be used.
/// </summary>
public sealed unsafe class RgbImage : IDisposable
{
    /// <summary>Images up to this size use <see cref="ArrayPool{T}.Shared"/>; larger ones exact-size native memory,
    /// because the pool rounds up to the next power of two.</summary>
    private const int MaxPooledBytes = 64 * 1024 * 1024;

    private byte[]? _array;
    private NativeBuffer? _native;
    private ushort[]? _wideGrey;
    private readonly int _length;

    private RgbImage(int width, int height, ImageFormat sourceFormat, byte[]? array, NativeBuffer? native)
    {
        Width = width;
        Height = height;
        SourceFormat = sourceFormat;
        _length = checked(width * height * 3);
        _array = array;
        _native = native;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The format the image was decoded from (<see cref="ImageFormat.Unknown"/> for <see cref="FromPixels"/>).</summary>
    public ImageFormat SourceFormat { get; }

    /// <summary>
    /// What the decoder reported about damage it decoded past, one message each, in the decoder's words (e.g.
    /// libjpeg-turbo's "Corrupt JPEG data: bad Huffman code"); empty for an intact file. The image decoded, so the
    /// pixels are what the reference pipeline would hash too, but part of them may be filler rather than the picture.
    /// </summary>
    public IReadOnlyList<string> Warnings { get; internal set; } = [];

    /// <summary>The pixels: <c>Width * Height * 3</c> bytes, R, G, B, row after row, no padding.</summary>
    /// <exception cref="ObjectDisposedException">The image has been disposed.</exception>
    public ReadOnlySpan<byte> Pixels => WritablePixels;

    /// <summary>
    /// Only for <see cref="DecodeCompat.Pytx"/>: a 16-bit greyscale image's samples at their full 0..65535 value
    /// (<c>Width * Height</c> of them, row-major), which python-threatexchange hashes unscaled and which
    /// <see cref="Pixels"/> (the high byte) cannot hold. Empty for every other image; when it is not empty, hash it
    /// rather than <see cref="Pixels"/>.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The image has been disposed.</exception>
    public ReadOnlySpan<ushort> WideGrey
    {
        get
        {
            _ = WritablePixels; // throws once disposed
            return _wideGrey is { } grey ? grey.AsSpan(0, Width * Height) : default;
        }
    }

    /// <summary>Takes a pooled array of at least <c>Width * Height</c> samples as <see cref="WideGrey"/>.</summary>
    internal void AttachWideGrey(ushort[] pooled)
    {
        if (pooled.Length < (long)Width * Height)
        {
            throw new ArgumentException("wide grey buffer is smaller than the image", nameof(pooled));
        }

        _wideGrey = pooled;
    }

    internal Span<byte> WritablePixels
    {
        get
        {
            if (_array is { } array)
            {
                return new Span<byte>(array, 0, _length);
            }

            if (_native is { } native)
            {
                return new Span<byte>(native.Pointer, _length);
            }

            throw new ObjectDisposedException(nameof(RgbImage));
        }
    }

    /// <summary>Creates an image from a copy of packed RGB pixels (for tests and generated images).</summary>
    /// <param name="width">Width in pixels, at least 1.</param>
    /// <param name="height">Height in pixels, at least 1.</param>
    /// <param name="rgb">Exactly <c>width * height * 3</c> bytes.</param>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is not positive or too large.</exception>
    /// <exception cref="ArgumentException"><paramref name="rgb"/> has the wrong length.</exception>
    public static RgbImage FromPixels(int width, int height, ReadOnlySpan<byte> rgb)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if ((long)width * height * 3 > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(width), "image is too large");
        }

        if (rgb.Length != width * height * 3)
        {
            throw new ArgumentException($"expected {width * height * 3} bytes for {width}x{height} RGB, got {rgb.Length}", nameof(rgb));
        }

        var image = Allocate(width, height, ImageFormat.Unknown);
        rgb.CopyTo(image.WritablePixels);
        return image;
    }

    /// <summary>Allocates an uninitialised image (pooled memory where sensible).</summary>
    internal static RgbImage Allocate(int width, int height, ImageFormat sourceFormat)
    {
        var length = (long)width * height * 3;
        if (width <= 0 || height <= 0 || length > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"cannot allocate a {width}x{height} image");
        }

        return length <= MaxPooledBytes
            ? new RgbImage(width, height, sourceFormat, ArrayPool<byte>.Shared.Rent((int)length), null)
            : new RgbImage(width, height, sourceFormat, null, NativeBuffer.Allocate((nuint)length));
    }

    /// <summary>Wraps a native buffer that already holds exactly <c>width * height * 3</c> RGB bytes; takes ownership.</summary>
    internal static RgbImage Adopt(int width, int height, ImageFormat sourceFormat, NativeBuffer buffer)
    {
        if (buffer.Length < (nuint)((long)width * height * 3))
        {
            buffer.Dispose();
            throw new ArgumentException("native buffer is smaller than the image", nameof(buffer));
        }

        return new RgbImage(width, height, sourceFormat, null, buffer);
    }

    /// <summary>Returns the pixel memory to its pool (or frees it). Idempotent.</summary>
    public void Dispose()
    {
        var array = Interlocked.Exchange(ref _array, null);
        if (array is not null)
        {
            ArrayPool<byte>.Shared.Return(array);
        }

        Interlocked.Exchange(ref _native, null)?.Dispose();
        var grey = Interlocked.Exchange(ref _wideGrey, null);
        if (grey is not null)
        {
            ArrayPool<ushort>.Shared.Return(grey);
        }
    }
}
