using System.Runtime.InteropServices;
using Vigil.Media.Native;

namespace Vigil.Media.Encoders;

/// <summary>
/// Compresses packed 8-bit RGB to baseline JPEG with TurboJPEG (4:2:0 chroma subsampling, accurate DCT, flags 0),
/// as an ordinary upload pipeline would. Owns one compressor handle and the output buffer TurboJPEG allocated for
/// the last image. Not thread-safe.
/// </summary>
internal sealed unsafe class JpegEncoder : IDisposable
{
    /// <summary>The largest side a JPEG frame header can hold.</summary>
    internal const int MaxSide = ushort.MaxValue;

    private IntPtr _handle;
    private byte* _output;

    /// <exception cref="DllNotFoundException">libturbojpeg is not installed (the message names the package).</exception>
    internal JpegEncoder()
    {
        NativeLibraries.EnsureLoaded(includeVips: false);
        _handle = TurboJpeg.InitCompress();
        if (_handle == IntPtr.Zero)
        {
            throw new InvalidOperationException("TurboJPEG could not create a compressor: " + TurboJpeg.LastError(IntPtr.Zero));
        }
    }

    /// <summary>
    /// The JPEG of <paramref name="rgb"/> (<paramref name="height"/> rows of <paramref name="width"/> pixels, no
    /// padding) at <paramref name="quality"/> (1..100). The span points into native memory that stays valid until the
    /// next <see cref="Encode"/> or <see cref="Dispose"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">TurboJPEG reported an error.</exception>
    internal ReadOnlySpan<byte> Encode(ReadOnlySpan<byte> rgb, int width, int height, int quality)
    {
        ObjectDisposedException.ThrowIf(_handle == IntPtr.Zero, this);
        System.Diagnostics.Debug.Assert(rgb.Length == width * height * 3 && width <= MaxSide && height <= MaxSide);
        FreeOutput();
        byte* output = null;
        var length = new CULong(0);
        int rc;
        fixed (byte* src = rgb)
        {
            rc = TurboJpeg.Compress2(
                _handle, src, width, width * 3, height, TurboJpeg.PixelFormatRgb, &output, &length,
                TurboJpeg.Subsampling420, quality, flags: 0);
        }

        _output = output;
        if (rc != 0)
        {
            FreeOutput();
            throw new InvalidOperationException("TurboJPEG could not compress the image: " + TurboJpeg.LastError(_handle));
        }

        return new ReadOnlySpan<byte>(_output, checked((int)length.Value));
    }

    private void FreeOutput()
    {
        if (_output != null)
        {
            TurboJpeg.Free(_output);
            _output = null;
        }
    }

    public void Dispose()
    {
        FreeOutput();
        var handle = _handle;
        _handle = IntPtr.Zero;
        if (handle != IntPtr.Zero)
        {
            _ = TurboJpeg.Destroy(handle);
        }
    }
}
